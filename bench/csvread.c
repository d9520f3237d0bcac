/* csvread.c - the offline baseline: reads a timestamp,value CSV in 1 MiB blocks, cuts it into
 * lines and parses every value with strtod, scoring nothing and writing nothing. What any CSV
 * scorer pays at least.
 *
 * usage: csvread FILE
 * Prints "rows=N sum=X" on stdout (the sum keeps the parsing from being optimised away). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CSVREAD_BLOCK (1 << 20)

int main(int argc, char **argv) {
    static char buf[CSVREAD_BLOCK + 1];
    unsigned long long rows = 0;
    size_t have = 0, got;
    double sum = 0;
    FILE *in;

    if (argc != 2 || !(in = fopen(argv[1], "r"))) {
        fprintf(stderr, "usage: csvread FILE\n");
        return 2;
    }
    while ((got = fread(buf + have, 1, CSVREAD_BLOCK - have, in)) > 0) {
        char *p = buf, *end = buf + have + got, *nl;
        *end = '\0';
        while ((nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
            char *comma = memchr(p, ',', (size_t)(nl - p));
            if (comma) {
                sum += strtod(comma + 1, NULL);
                rows++;
            }
            p = nl + 1;
        }
        have = (size_t)(end - p);
        memmove(buf, p, have);
    }
    fclose(in);
    printf("rows=%llu sum=%.6g\n", rows, sum);
    return 0;
}
