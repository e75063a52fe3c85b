/* Fuzz target: the CSV loader, with the label column and header mode taken
 * from the first byte. */
#define NN_NO_MAIN
#include "../../nn.c"
#include "fuzz.h"

static void fuzz_one(const uint8_t *data, size_t size)
{
    Data d;
    Err err;
    CsvOpt o;
    if (size < 1) return;
    o.label_col = (int)(data[0] & 7) - 1; /* -1 last, 0 none, 1..6 */
    o.header = (int)((data[0] >> 3) % 3) - 1;
    memset(&d, 0, sizeof d);
    if (load_csv(data + 1, size - 1, "fuzz", &o, &d, &err) == 0) data_free(&d);
}
