/* gunzip_tool FILE [REPEAT]: inflate FILE (gzip) with nn's inflater and
 * write the data to stdout, or print the error and exit 1.  With REPEAT,
 * write nothing and print the best time of REPEAT runs on stderr instead
 * (used by tests/gzip.sh and scripts/bench.sh).  Also a fuzz target's
 * plain-program twin: any input must give data or an error, never a crash. */
#define NN_NO_MAIN
#include "../nn.c"

int main(int argc, char **argv)
{
    uint8_t *in = NULL, *out = NULL;
    size_t inlen = 0, outlen = 0;
    Err err;
    int repeat = argc > 2 ? atoi(argv[2]) : 0;
    double best = 1e9;
    if (argc < 2) {
        fprintf(stderr, "usage: gunzip_tool FILE [REPEAT]\n");
        return 2;
    }
    if (read_all(argv[1], RD_ANY, &in, &inlen, &err)) {
        report(&err);
        return 1;
    }
    for (int r = 0; r < (repeat > 0 ? repeat : 1); r++) {
        double t0 = now_seconds();
        free(out);
        out = NULL;
        if (gunzip(in, inlen, NN_MAX_FILE, argv[1], &out, &outlen, &err)) {
            report(&err);
            free(in);
            return 1;
        }
        if (now_seconds() - t0 < best) best = now_seconds() - t0;
    }
    if (repeat > 0) fprintf(stderr, "%.4f s for %zu bytes (%.0f MB/s)\n", best, outlen, outlen / best / 1e6);
    else if (fwrite(out, 1, outlen, stdout) != outlen) return 1;
    free(in), free(out);
    return 0;
}
