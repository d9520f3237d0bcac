/* num.c - see num.h.
 * The fast path is Clinger's: a decimal with at most 19 significant digits whose mantissa fits in
 * 53 bits and whose power of ten is at most 22 in magnitude is computed with one exact multiply
 * or divide, which IEEE rounding makes correctly rounded. Everything else goes to strtod on a
 * NUL-terminated copy, so results always equal strtod's. */
#include "num.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const double num_pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                   1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                   1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

#define NUM_EXACT_MANTISSA (1ULL << 53)
#define NUM_EXACT_POW10 22
#define NUM_FAST_DIGITS 19
#define NUM_SIMPLE_DIGITS 15  /* below 2^53, so the mantissa is exact */
#define NUM_SHORT_MIN 1e-4    /* "%g" writes smaller magnitudes with an exponent */
#define NUM_SHORT_MAX 1e9     /* num_format_fixed's integer range */
#define NUM_SHORT_DECIMALS 6  /* with 9 integer digits: 15 significant digits at most */
#define NUM_G10_DIGITS 10     /* significant digits of num_format_g10 */
#define NUM_TIE_MARGIN 1e-5   /* how far from .5 a scaled value must be to round without printf */

static int num_isdigit(char c) { return c >= '0' && c <= '9'; }

/* Case-insensitive match of s[0..len) (after an optional sign) against the non-finite words. */
static int num_is_nonfinite_word(const char *s, size_t len) {
    static const char *const words[] = {"nan", "inf", "infinity"};
    if (len > 0 && (s[0] == '+' || s[0] == '-')) {
        s++;
        len--;
    }
    for (size_t w = 0; w < sizeof words / sizeof words[0]; w++) {
        size_t wl = strlen(words[w]);
        if (wl != len)
            continue;
        size_t i = 0;
        while (i < len && (s[i] | 0x20) == words[w][i])
            i++;
        if (i == len)
            return 1;
    }
    return 0;
}

struct num_scan {
    uint64_t mantissa; /* first NUM_FAST_DIGITS significant digits */
    int digits;        /* significant digits seen (leading zeros excluded) */
    int exp10;         /* decimal exponent to apply to mantissa */
    int negative;
};

/* Checks the grammar and gathers the fast-path parts. Returns 0 or -1 (syntax). */
static int num_scan(const char *s, size_t len, enum num_mode mode, struct num_scan *sc) {
    size_t i = 0, int_digits = 0, frac_digits = 0;
    long exp = 0;

    memset(sc, 0, sizeof *sc);
    if (i < len && (s[i] == '-' || (mode == NUM_LENIENT && s[i] == '+')))
        sc->negative = s[i++] == '-';
    if (mode == NUM_JSON && i < len && s[i] == '0' && i + 1 < len && num_isdigit(s[i + 1]))
        return -1; /* JSON forbids leading zeros */
    for (; i < len && num_isdigit(s[i]); i++, int_digits++) {
        if (sc->digits == 0 && s[i] == '0')
            continue;
        if (sc->digits < NUM_FAST_DIGITS)
            sc->mantissa = sc->mantissa * 10 + (uint64_t)(s[i] - '0');
        else
            sc->exp10++;
        sc->digits++;
    }
    if (i < len && s[i] == '.') {
        i++;
        for (; i < len && num_isdigit(s[i]); i++, frac_digits++) {
            if (sc->digits == 0 && s[i] == '0') {
                sc->exp10--;
                continue;
            }
            if (sc->digits < NUM_FAST_DIGITS) {
                sc->mantissa = sc->mantissa * 10 + (uint64_t)(s[i] - '0');
                sc->exp10--;
            }
            sc->digits++;
        }
        if (frac_digits == 0 && mode == NUM_JSON)
            return -1;
    }
    if (int_digits == 0 && (mode == NUM_JSON || frac_digits == 0))
        return -1;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        int eneg = 0;
        size_t start;
        i++;
        if (i < len && (s[i] == '+' || s[i] == '-'))
            eneg = s[i++] == '-';
        start = i;
        for (; i < len && num_isdigit(s[i]); i++)
            if (exp < 100000)
                exp = exp * 10 + (s[i] - '0');
        if (i == start)
            return -1;
        sc->exp10 += (int)(eneg ? -exp : exp);
    }
    return i == len ? 0 : -1;
}

size_t num_parse_json_prefix(const char *s, size_t avail, double *out) {
    const char *p = s, *end = s + avail, *first, *dot = NULL;
    uint64_t m = 0;
    unsigned d;
    size_t digits, frac = 0;
    double v;

    if (p < end && *p == '-')
        p++;
    if (p >= end || !num_isdigit(*p) || (*p == '0' && p + 1 < end && num_isdigit(p[1])))
        return 0;
    for (first = p; p < end && (d = (unsigned char)*p - '0') <= 9; p++)
        m = m * 10 + d;
    if (p < end && *p == '.') {
        for (dot = p++; p < end && (d = (unsigned char)*p - '0') <= 9; p++)
            m = m * 10 + d;
        frac = (size_t)(p - dot) - 1;
        if (frac == 0)
            return 0;
    }
    digits = (size_t)(p - first) - (dot != NULL);
    if (digits > NUM_SIMPLE_DIGITS)
        return 0;
    /* mantissa and power of ten are exact, so one division rounds correctly */
    v = frac ? (double)m / num_pow10[frac] : (double)m;
    *out = s[0] == '-' ? -v : v;
    return (size_t)(p - s);
}

enum num_err num_parse_double(const char *s, size_t len, enum num_mode mode, double *out) {
    struct num_scan sc;
    char buf[NUM_TEXT_MAX + 1];
    double v;

    if (len > 0 && num_parse_json_prefix(s, len, &v) == len) {
        *out = v;
        return NUM_OK;
    }
    if (num_scan(s, len, mode, &sc) != 0) {
        if (mode == NUM_LENIENT && num_is_nonfinite_word(s, len))
            return NUM_ERANGE;
        return NUM_ESYNTAX;
    }
    if (len > NUM_TEXT_MAX)
        return NUM_ERANGE;
    if (sc.digits <= NUM_FAST_DIGITS && sc.mantissa <= NUM_EXACT_MANTISSA &&
        sc.exp10 >= -NUM_EXACT_POW10 && sc.exp10 <= NUM_EXACT_POW10) {
        v = (double)sc.mantissa;
        v = sc.exp10 < 0 ? v / num_pow10[-sc.exp10] : v * num_pow10[sc.exp10];
        *out = sc.negative ? -v : v;
        return NUM_OK;
    }
    if (sc.mantissa == 0 && sc.digits == 0) {
        *out = sc.negative ? -0.0 : 0.0;
        return NUM_OK;
    }
    memcpy(buf, s, len);
    buf[len] = '\0';
    v = strtod(buf, NULL);
    if (!isfinite(v))
        return NUM_ERANGE;
    *out = v;
    return NUM_OK;
}

int num_parse_i64(const char *s, size_t len, int64_t min, int64_t max, int64_t *out) {
    size_t i = 0;
    int neg = 0;
    uint64_t acc = 0, limit;

    if (len == 0)
        return -1;
    if (s[0] == '-' || s[0] == '+')
        neg = s[i++] == '-';
    if (i == len)
        return -1;
    limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (; i < len; i++) {
        if (!num_isdigit(s[i]))
            return -1;
        if (acc > (limit - (uint64_t)(s[i] - '0')) / 10)
            return -1;
        acc = acc * 10 + (uint64_t)(s[i] - '0');
    }
    int64_t v = neg ? (int64_t)(0 - acc) : (int64_t)acc;
    if (v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

/* Drops the '+' and leading zeros printf puts in an exponent: "1e+21" -> "1e21", "1e-05" ->
 * "1e-5". Returns the new length. */
static size_t num_trim_exponent(char *buf, size_t n) {
    char *e = memchr(buf, 'e', n);
    char *digits, *first;

    if (!e)
        return n;
    digits = e + 1 + (e[1] == '-');
    first = e + 1 + (e[1] == '-' || e[1] == '+');
    while (*first == '0' && first[1] != '\0')
        first++;
    memmove(digits, first, (size_t)(buf + n - first) + 1);
    return n - (size_t)(first - digits);
}

/* The shortest text with at most NUM_SHORT_DECIMALS decimals that reads back as v, for |v| in
 * [NUM_SHORT_MIN, NUM_SHORT_MAX); 0 when there is none. Such a text has at most 15 significant
 * digits and v lies within half an ulp of it, far less than half a unit of the 15th digit, so it
 * is exactly what "%.15g" prints: the search below would stop there. When one with d decimals
 * exists, v * 10^6 is within 0.2 of an integer, so rounding v to 6 decimals gives that text with
 * trailing zeros: one candidate to check. */
static size_t num_format_short(double v, char *buf) {
    double a = fabs(v), back;
    size_t n;

    if (!(a >= NUM_SHORT_MIN && a < NUM_SHORT_MAX))
        return 0;
    n = num_format_fixed(v, NUM_SHORT_DECIMALS, buf);
    while (buf[n - 1] == '0')
        n--;
    if (buf[n - 1] == '.')
        n--;
    buf[n] = '\0';
    if (num_parse_double(buf, n, NUM_JSON, &back) == NUM_OK && back == v)
        return n;
    return 0;
}

size_t num_format_double(double v, char *buf) {
    int n = 0;
    size_t len;
    if (!isfinite(v)) {
        memcpy(buf, "0", 2);
        return 1;
    }
    if ((len = num_format_short(v, buf)) > 0)
        return len;
    /* 15 digits always read back for normal doubles when any shorter text does (DBL_DIG);
     * subnormals have fewer significant bits, so their search starts at one digit. */
    for (int prec = fabs(v) < DBL_MIN ? 1 : DBL_DIG; prec <= 17; prec++) {
        n = snprintf(buf, NUM_FMT_MAX, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    return num_trim_exponent(buf, (size_t)n);
}

/* "%.10g" for |v| in [1e-3, 1e9), where it is v rounded to 10 significant digits in plain
 * notation, trailing zeros dropped: v scaled by 10^d to [1e9, 1e10) is exact to within 2e-6
 * (one rounding), so when it is not that close to a tie, llround() rounds it as printf would. */
static size_t num_format_g10_fast(double v, char *buf) {
    static const int64_t pow10i[] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000,
                                     100000000, 1000000000, 10000000000LL, 100000000000LL,
                                     1000000000000LL};
    double a = fabs(v), s;
    int64_t r, frac;
    int d = 12;
    size_t n = 0;

    if (!(a >= 1e-3 && a < 1e9))
        return 0;
    while (d > 0 && a * num_pow10[d] >= 1e10)
        d--;
    s = a * num_pow10[d];
    if (!(s >= 1e9 + 1 && s < 1e10 - 1) || fabs(s - floor(s) - 0.5) < NUM_TIE_MARGIN)
        return 0;
    r = llround(s);
    if (v < 0)
        buf[n++] = '-';
    n += num_format_i64(r / pow10i[d], buf + n);
    frac = r % pow10i[d];
    if (frac) {
        while (frac % 10 == 0) {
            frac /= 10;
            d--;
        }
        buf[n++] = '.';
        for (int i = d - 1; i >= 0; i--) {
            buf[n + (size_t)i] = (char)('0' + frac % 10);
            frac /= 10;
        }
        n += (size_t)d;
    }
    buf[n] = '\0';
    return n;
}

size_t num_format_g10(double v, char *buf) {
    size_t n = num_format_g10_fast(v, buf);
    if (n == 0)
        n = (size_t)snprintf(buf, NUM_FMT_MAX, "%.*g", NUM_G10_DIGITS, v);
    return n;
}

size_t num_format_i64(int64_t v, char *buf) {
    char tmp[NUM_FMT_MAX];
    size_t n = 0, len = 0;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        buf[len++] = '-';
    while (n)
        buf[len++] = tmp[--n];
    buf[len] = '\0';
    return len;
}

size_t num_format_fixed(double v, int decimals, char *buf) {
    static const int64_t scale[] = {1,      10,      100,      1000,      10000,
                                    100000, 1000000, 10000000, 100000000, 1000000000};
    int64_t whole, frac, scaled;
    size_t n = 0;

    if (!isfinite(v))
        v = 0;
    if (decimals < 0)
        decimals = 0;
    if (decimals > 9)
        decimals = 9;
    if (fabs(v) >= 1e9) {
        int wide = snprintf(buf, NUM_FMT_MAX, "%.*f", decimals, v);
        /* too wide for the buffer (|v| >= ~1e21, an integer anyway): the shortest exact text */
        return wide < NUM_FMT_MAX ? (size_t)wide : num_format_double(v, buf);
    }
    scaled = llround(v * (double)scale[decimals]);
    if (scaled < 0) {
        buf[n++] = '-';
        scaled = -scaled;
    }
    whole = scaled / scale[decimals];
    frac = scaled % scale[decimals];
    n += num_format_i64(whole, buf + n);
    if (decimals > 0) {
        buf[n++] = '.';
        for (int d = decimals - 1; d >= 0; d--) {
            buf[n + (size_t)d] = (char)('0' + frac % 10);
            frac /= 10;
        }
        n += (size_t)decimals;
    }
    buf[n] = '\0';
    return n;
}
