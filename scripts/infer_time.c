/* Inference alone, for make bench: the seconds nn takes to answer every row
 * of a data set with a model, without the process's start, the model's
 * loading or the data's reading -- what ONNX Runtime's `run` is timed for
 * beside it (scripts/ort_time.js).  The rows go through infer_all, the path
 * `nn predict` takes for a whole file, on the threads asked for.  Prints the
 * best of REPS runs in seconds, then the answers' checksum (the labels
 * summed), so that a run that answered nothing cannot look fast.
 * Usage: build/infer_time MODEL DATA THREADS REPS */
#define NN_NO_MAIN
#include "../nn.c"

int main(int argc, char **argv)
{
    Net N;
    Meta M;
    Data d;
    Infer I;
    Pool *pl;
    Err err = {{0}, {0}};
    CsvOpt co;
    float *out;
    int32_t *pred;
    int nt, reps;
    double best = 1e30;
    long sum = 0;
    if (argc != 5 || (nt = atoi(argv[3])) < 1 || nt > NN_MAX_THREADS || (reps = atoi(argv[4])) < 1) {
        fprintf(stderr, "usage: infer_time MODEL DATA THREADS REPS\n");
        return 2;
    }
    memset(&co, 0, sizeof co);
    co.header = -1, co.label_col = LABEL_NONE, co.quiet = 1, co.no_colnames = 1;
    if (model_load(argv[1], &N, &M, &err) || (co.flat = !net_images(&N), load_data(argv[2], NULL, &co, 0, &d, &err))) {
        report(&err);
        return 1;
    }
    if (d.d != N.size[0]) {
        fprintf(stderr, "infer_time: %s: %zu values a row, the model takes %zu\n", argv[2], d.d, N.size[0]);
        return 1;
    }
    out = alloc_floats(d.n * N.size[N.nl - 1]), pred = alloc_array(d.n, sizeof *pred);
    if (!out || !pred || !(pl = pool_new(nt)) || infer_init(&I, &N, &M.in, nt, &err)) {
        fprintf(stderr, "infer_time: out of memory\n");
        return 1;
    }
    for (int k = 0; k < reps; k++) {
        double t0 = now_seconds(), t;
        infer_all(pl, &I, &d, out, pred);
        t = now_seconds() - t0;
        best = t < best ? t : best;
    }
    for (size_t r = 0; r < d.n; r++) sum += pred[r];
    printf("%.6f %ld\n", best, sum);
    infer_free(&I), pool_free(pl), data_free(&d), free(out), free(pred), free(N.param);
    return 0;
}
