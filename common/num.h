/* num.h - number text <-> double, fast and locale-independent.
 * Pure: no I/O, no allocation. Used by the JSON codec, the CSV reader and flag parsing. */
#ifndef BLIP_NUM_H
#define BLIP_NUM_H
#include <stddef.h>
#include <stdint.h>

#define NUM_TEXT_MAX 400 /* longest number text accepted (digits, sign, exponent) */
#define NUM_FMT_MAX 32   /* buffer size that fits every num_format_* output plus NUL */

enum num_err {
    NUM_OK = 0,
    NUM_ESYNTAX, /* not a number */
    NUM_ERANGE,  /* a number, but not finite as a double (1e999), or longer than NUM_TEXT_MAX */
};

enum num_mode {
    NUM_JSON,    /* exactly JSON's grammar: -?(0|[1-9]d*)(.d+)?([eE][+-]?d+)? */
    NUM_LENIENT, /* also "+1", ".5", "5.", "007", and "nan"/"inf" words, reported as NUM_ERANGE */
};

/* Parses s[0..len) entirely as a decimal number into *out. Exact (correctly rounded): simple
 * numbers take a fast exact path, the rest go through strtod. Returns NUM_OK, or an error with
 * *out untouched. */
enum num_err num_parse_double(const char *s, size_t len, enum num_mode mode, double *out);

/* Parses the number at the start of s[0..avail) when it has the common form
 * -?(0|[1-9]d*)(.d+)? with at most 15 digits, exactly as num_parse_double() would. Returns its
 * length, or 0 (*out untouched) for anything else, which num_parse_double() then decides on. The
 * text may go on: the caller checks what follows. */
size_t num_parse_json_prefix(const char *s, size_t avail, double *out);

/* Parses s[0..len) entirely as a decimal integer in [min, max]. Returns 0, or -1. */
int num_parse_i64(const char *s, size_t len, int64_t min, int64_t max, int64_t *out);

/* Writes the shortest decimal text that reads back as exactly v (finite) into buf (at least
 * NUM_FMT_MAX bytes), NUL-terminated. Returns its length. */
size_t num_format_double(double v, char *buf);

/* Writes v rounded to `decimals` (0..9) places, e.g. 4.2103, into buf (at least NUM_FMT_MAX
 * bytes). Non-finite v is written as 0. Returns the length. */
size_t num_format_fixed(double v, int decimals, char *buf);

/* Writes v as printf's "%.10g" does (ten significant digits) into buf (at least NUM_FMT_MAX
 * bytes), without printf for most finite values. Returns the length. */
size_t num_format_g10(double v, char *buf);

/* Writes a signed integer into buf (at least NUM_FMT_MAX bytes). Returns the length. */
size_t num_format_i64(int64_t v, char *buf);
#endif
