/* Fuzz target: a CSV file read as a table.  The first byte chooses the
 * target or label column (by number, last, or a header name), --ignore,
 * --missing and the header mode; the rest is the file.  A table built from
 * it is then used, as predict and eval use a model's, to read the same
 * text again, and encoded into a model file and decoded back. */
#define NN_NO_MAIN
#include "../../nn.c"
#include "fuzz.h"

static void fuzz_one(const uint8_t *data, size_t size)
{
    static const char *const targets[8] = {NULL, "1", "last", "y", "a,b", "2", NULL, "first"};
    Data d, e;
    Err err;
    CsvOpt o;
    if (size < 2) return;
    memset(&o, 0, sizeof o);
    o.label_col = LABEL_AUTO, o.header = (int)((data[0] >> 6) % 3) - 1, o.quiet = 1;
    o.target = targets[data[0] & 7];
    if (!o.target && (data[0] & 7) == 6) o.label_name = "y";
    o.ignore = data[0] & 8 ? "x" : NULL;
    o.missing = (data[0] >> 4) & 3; /* 0 (mean), mean, drop, error */
    o.want_lt = 1;
    memset(&d, 0, sizeof d);
    if (load_table(data + 1, size - 1, "fuzz", &o, &d, &err)) return;
    {
        CsvOpt o2 = o;
        o2.target = o2.ignore = o2.label_name = NULL, o2.tab = &d.tab, o2.want_lt = data[1] & 1;
        memset(&e, 0, sizeof e);
        if (load_table(data + 1, size - 1, "fuzz", &o2, &e, &err) == 0) data_free(&e);
    }
    if (d.tab.ncol && d.d >= 1 && d.d <= 64) { /* the model file keeps the table: a round trip */
        Net N;
        Meta M, M2;
        Net N2;
        size_t len;
        uint8_t *img;
        char spec[64];
        memset(&M, 0, sizeof M);
        snprintf(spec, sizeof spec, "%zu-3-%zu", d.d, d.t ? d.nt : (size_t)2);
        if (d.t && d.nt > 64) goto done;
        if (parse_layers(spec, &N, &err) || net_alloc(&N, &err)) goto done;
        N.layer[N.nl - 1].act = d.t ? ACT_LINEAR : ACT_SIGMOID, N.task = d.t ? TASK_REGRESS : TASK_CLASSIFY, N.cost = COST_QUADRATIC;
        M.in.div = 1, M.tab = d.tab;
        if (d.t) {
            static float mean[64], sd[64];
            for (size_t k = 0; k < d.nt; k++) mean[k] = 0, sd[k] = 1;
            M.out.n = (uint32_t)d.nt, M.out.mean = mean, M.out.sd = sd;
        }
        if ((img = model_encode(&N, &M, &len))) {
            if (model_decode(img, len, "fuzz", &N2, &M2, &err) == 0) {
                if (M2.tab.ncol != d.tab.ncol) abort(); /* what was written must read back */
                free(N2.param), model_meta_free(&M2);
            } else {
                abort();
            }
            free(img);
        }
        free(N.param);
    }
done:
    data_free(&d);
}
