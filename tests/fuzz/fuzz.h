/* Shared by the fuzz targets in tests/fuzz/.  Each target file defines
 * fuzz_one(data, size) and includes this after nn.c.  Built with clang's
 * -fsanitize=fuzzer it is a libFuzzer target; built without, main() replays
 * every file in the directories (or files) named on the command line, so
 * `make test` can run the corpora under ASan+UBSan without fuzzing. */
#include <dirent.h>

static void fuzz_one(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_one(data, size);
    return 0;
}

#ifndef NN_LIBFUZZER
static int replay_file(const char *path)
{
    uint8_t *buf;
    size_t len;
    Err err;
    if (read_all(path, RD_ANY, &buf, &len, &err)) { /* any bytes: the fuzz inputs are not checked for their kind */
        report(&err);
        return 0;
    }
    fuzz_one(buf, len);
    free(buf);
    return 1;
}

int main(int argc, char **argv)
{
    int n = 0;
    for (int a = 1; a < argc; a++) {
        DIR *d = opendir(argv[a]);
        struct dirent *e;
        if (!d) {
            n += replay_file(argv[a]);
            continue;
        }
        while ((e = readdir(d))) {
            char p[4096];
            if (e->d_name[0] == '.') continue;
            snprintf(p, sizeof p, "%s/%s", argv[a], e->d_name);
            n += replay_file(p);
        }
        closedir(d);
    }
    printf("replayed %d inputs\n", n);
    return 0;
}
#endif
