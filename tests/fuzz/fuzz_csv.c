/* Fuzz target: the CSV loader, with the label column, header mode,
 * separator and a fixed class-name table taken from the first two bytes. */
#define NN_NO_MAIN
#include "../../nn.c"
#include "fuzz.h"

static void fuzz_one(const uint8_t *data, size_t size)
{
    Data d;
    Err err;
    CsvOpt o;
    static char n0[] = "a", n1[] = "b b", n2[] = "\"q\"";
    static char *const names[3] = {n0, n1, n2};
    static const int seps[5] = {0, ',', ';', '\t', ' '};
    if (size < 2) return;
    memset(&o, 0, sizeof o);
    o.label_col = (int)(data[0] & 7) - 2; /* -2 auto, -1 last, 0 none, 1..5 */
    o.header = (int)((data[0] >> 3) % 3) - 1;
    o.sep = seps[data[1] % 5];
    if (data[1] & 0x80) o.names = names, o.nnames = 3;
    memset(&d, 0, sizeof d);
    if (load_csv(data + 2, size - 2, "fuzz", &o, &d, &err) == 0) data_free(&d);
}
