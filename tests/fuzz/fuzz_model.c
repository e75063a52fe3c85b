/* Fuzz target: the model file and checkpoint decoders. */
#define NN_NO_MAIN
#include "../../nn.c"
#include "fuzz.h"

static void fuzz_one(const uint8_t *data, size_t size)
{
    Net N;
    Meta M;
    Ckpt k;
    Err err;
    if (model_decode(data, size, "fuzz", &N, &M, &err) == 0) free(N.param);
    if (ckpt_decode(data, size, "fuzz", &k, &err) == 0) ckpt_free(&k);
}
