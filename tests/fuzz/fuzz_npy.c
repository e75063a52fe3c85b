/* Fuzz target: the NumPy .npy reader -- the header's dict literal, dtypes,
 * shapes, Fortran order -- as features, and the same bytes as labels or
 * targets for rows of the size their first dimension says (a classifier's,
 * a regression's, and training's that decides). */
#define NN_NO_MAIN
#include "../../nn.c"
#include "fuzz.h"

static void fuzz_one(const uint8_t *data, size_t size)
{
    Data d;
    Err err;
    CsvOpt o;
    Npy a;
    uint8_t *copy = malloc(size ? size : 1);
    if (!copy) return;
    memcpy(copy, data, size);
    memset(&d, 0, sizeof d), memset(&o, 0, sizeof o);
    if (load_npy_file("fuzz", "fuzz", copy, size, NULL, &o, 0, &d, &err) == 0) data_free(&d); /* (copy taken over) */
    for (int task = 0; task <= TASK_REGRESS; task++) {
        if (npy_header(data, size, "fuzz", &a, &err)) break;
        memset(&d, 0, sizeof d);
        d.n = a.nd ? a.dim[0] : 0;
        o.task = task;
        if (npy_labels(&a, "fuzz", &o, &d, &err) == 0) data_free(&d);
    }
}
