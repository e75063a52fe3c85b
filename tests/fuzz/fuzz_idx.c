/* Fuzz target: the IDX loaders (images, then labels for them). */
#define NN_NO_MAIN
#include "../../nn.c"
#include "fuzz.h"

static void fuzz_one(const uint8_t *data, size_t size)
{
    Data d;
    Err err;
    uint8_t *copy = malloc(size ? size : 1);
    if (!copy) return;
    memcpy(copy, data, size);
    memset(&d, 0, sizeof d);
    if (load_idx_images(copy, size, "fuzz", &d, &err) == 0) {
        load_idx_labels(data, size, "fuzz", &d, &err); /* the same bytes as labels: must fail cleanly or fit */
        data_free(&d);
    } else {
        free(copy);
    }
    memset(&d, 0, sizeof d);
    d.n = size > 8 ? get_be32(data + 4) % 1000 : 0;
    if (load_idx_labels(data, size, "fuzz", &d, &err) == 0) free(d.own_y);
}
