/* Fuzz target: the model file and checkpoint decoders.  Each input is
 * decoded as it is and, when it is long enough, again with its last four
 * bytes replaced by the CRC-32 of the rest: a mutated file almost never
 * has a valid CRC, and without the fix-up the fuzzer would stop at the
 * checksum and never reach the field checks behind it. */
#define NN_NO_MAIN
#include "../../nn.c"
#include "fuzz.h"

static void decode_both(const uint8_t *data, size_t size)
{
    Net N;
    Meta M;
    Ckpt k;
    Err err;
    if (model_decode(data, size, "fuzz", &N, &M, &err) == 0) free(N.param), model_meta_free(&M);
    if (ckpt_decode(data, size, "fuzz", &k, &err) == 0) ckpt_free(&k);
}

static void fuzz_one(const uint8_t *data, size_t size)
{
    uint8_t *c;
    decode_both(data, size);
    if (size < 16 || !(c = malloc(size))) return;
    memcpy(c, data, size);
    put_le32(c + size - 4, crc32_update(0, c, size - 4));
    decode_both(c, size);
    free(c);
}
