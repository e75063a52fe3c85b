/* Fuzz target: the .npz reader -- the zip central directory, zip64 records
 * and extra fields, local headers, stored and deflated entries with their
 * CRC-32 -- loading features alone and features with their labels. */
#define NN_NO_MAIN
#include "../../nn.c"
#include "fuzz.h"

static void fuzz_one(const uint8_t *data, size_t size)
{
    for (int want = 0; want <= 1; want++) {
        Data d;
        Err err;
        CsvOpt o;
        uint8_t *copy = malloc(size ? size : 1);
        if (!copy) return;
        memcpy(copy, data, size);
        memset(&d, 0, sizeof d), memset(&o, 0, sizeof o);
        if (load_npz_file("fuzz", "fuzz", copy, size, NULL, &o, want, &d, &err) == 0) data_free(&d); /* (copy taken over) */
    }
}
