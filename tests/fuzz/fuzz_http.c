/* Fuzz target: nn serve's parsers.  The input is read as the bytes a client
 * sends: http_parse frames a request (small limits, so the 431 and 413
 * paths are reached), and a whole one's body goes through instances_csv;
 * array instances are then answered by predict's reader and a small
 * untrained network (3 inputs, 2 classes), as serve answers them.  The body
 * is also read straight into floats, as serve reads a plain model's arrays:
 * it must fail alike, and its answers must be the text's byte for byte. */
#define NN_NO_MAIN
#include "../../nn.c"
#include "fuzz.h"

static void fuzz_one(const uint8_t *data, size_t size)
{
    static Net N;
    static Meta M;
    static Infer I;
    static Pool *pl;
    static int ready;
    HttpReq r;
    Buf csv;
    size_t rows, off = 0;
    int objects;
    char why[512];
    Err err;
    if (!ready) {
        memset(&M, 0, sizeof M);
        M.in.div = 1;
        Rng rng;
        if (parse_layers("3-4-2", &N, &err) || net_alloc(&N, &err) || infer_init(&I, &N, &M.in, 1, &err) || !(pl = pool_new(1))) abort();
        rng_seed(&rng, 1), net_init(&N, 0, &rng); /* (weights that tell rows apart) */
        ready = 1;
    }
    for (int k = 0; k < 4 && off < size; k++) { /* pipelined requests, one after another */
        int rc = http_parse(data + off, size - off, 4096, 65536, &r);
        if (rc <= 0) {
            if (rc < 0 && (r.status < 400 || r.status > 505 || !r.why)) abort();
            return;
        }
        if (r.head > size - off || r.toff + r.tlen > r.head || r.body > 65536) abort(); /* the frame is within what was read */
        if (r.body > size - off - r.head) return;
        {
            Buf xs;
            size_t xrows;
            int xobj, xrc;
            char xwhy[512];
            /* read as serve reads a plain model's instances: straight into floats (1: needs the text) */
            xrc = instances_parse((const char *)data + off + r.head, r.body, 100, (data[0] & 1) ? "id" : NULL, 3, &xs, &xrows, &xobj, xwhy, sizeof xwhy);
            rc = instances_csv((const char *)data + off + r.head, r.body, 100, (data[0] & 1) ? "id" : NULL, &csv, &rows, &objects, why, sizeof why);
            if (xrc < 0 && (xrc != rc || strcmp(xwhy, why))) abort(); /* the same error, said alike */
            if (xrc == 0 && (rc || xrows != rows || xobj || objects || xs.n != rows * 3 * sizeof(float))) abort();
            if (rc == 0 && rows && !objects) { /* answered as serve answers: from the text, and from the floats alike */
                CsvOpt co;
                OutOpt oo;
                char *text = NULL, *text2 = NULL;
                size_t len = 0, len2 = 0;
                int prc, xprc = 0;
                FILE *f = open_memstream(&text, &len);
                if (!f) abort();
                memset(&co, 0, sizeof co), memset(&oo, 0, sizeof oo);
                co.label_col = LABEL_NONE, co.sep = ',', co.decimal = '.', co.quiet = 1, co.no_colnames = 1, co.flat = 1;
                oo.f = f, oo.fmt = FMT_JSON, oo.probs = 1, oo.threshold = -1;
                buf_put(&csv, "", 1), csv.n--;
                if (csv.oom) abort();
                prc = predict_stream(pl, &I, &N, -1, 1, "request", &co, csv.p, csv.n, csv.n + 1, &oo, &err);
                fclose(f);
                if (xrc == 0) {
                    if (!(f = open_memstream(&text2, &len2))) abort();
                    memset(&oo, 0, sizeof oo);
                    oo.f = f, oo.fmt = FMT_JSON, oo.probs = 1, oo.threshold = -1;
                    xprc = predict_numbers(pl, &I, &N, "request", (const float *)xs.p, xrows, &oo, &err);
                    fclose(f);
                    if (xprc == 1 ? !prc : xprc || prc || len != len2 || memcmp(text, text2, len)) abort(); /* the same answers */
                    free(text2);
                }
                free(text);
            } else if (rc == 0) {
                free(csv.p);
            } else if (!why[0]) {
                abort(); /* an error says why */
            }
            if (xrc == 0) free(xs.p);
        }
        off += r.head + r.body;
    }
}
