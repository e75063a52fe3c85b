/* Fuzz target: the gzip/DEFLATE inflater.  Output is capped at 64 KiB so the
 * fuzzer spends its time on the decoder, not on copying long matches; the
 * cap itself is one of the paths tested. */
#define NN_NO_MAIN
#include "../../nn.c"
#include "fuzz.h"

static void fuzz_one(const uint8_t *data, size_t size)
{
    uint8_t *out;
    size_t outlen;
    Err err;
    if (gunzip(data, size, (size_t)64 << 10, "fuzz", &out, &outlen, &err) == 0) free(out);
}
