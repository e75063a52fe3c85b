/* Fuzz target: the layer spec and option value parsers. */
#define NN_NO_MAIN
#include "../../nn.c"
#include "fuzz.h"

static void fuzz_one(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    const char *p;
    Net N;
    Err err;
    double v;
    size_t k;
    float f;
    if (!s) return;
    memcpy(s, data, size);
    s[size] = 0;
    parse_layers_opt(s, &N, size & 1, &err);
    { /* a spec starting with a layer, the input's shape from IDX images */
        static const size_t shape[3] = {1, 28, 28};
        parse_layers_shape(s, shape, &N, size & 1, &err);
        (void)spec_has_images(s);
    }
    parse_double(s, &v);
    parse_size(s, SIZE_MAX, &k);
    p = s;
    scan_number(&p, s + size, &v);
    rows_option(s, &k, &v);
    float_option(s, 0, 1, 1e6, &f);
    act_id(s, size);
    name_id(opt_names, OPT_COUNT, s, size);
    edit_distance(s, "layers");
    free(s);
}
