/* ini_expr.c — `$( ... )` arithmetic in INI values.
 *
 * N2D2 evaluates the text between `$(` and the matching `)` as a Python
 * expression after references and variables are substituted, and its own
 * models rely on it (`NbOutputs=$(int(32 * ${ALPHA}))`,
 * `Scaling=$(0.0 if ${L} > 0 else 1.0)`). This is the subset of Python
 * those files need, written from the language's rules: int and float
 * numbers, True/False, + - * / // % **, unary + - and `not`, comparisons
 * (chained), `and`/`or`, `a if c else b`, and the functions int, float,
 * round, abs, min, max, pow and math's sqrt, exp, log, log2, log10, ceil,
 * floor (with or without the `math.` prefix). Integer arithmetic stays
 * integer and `/` gives a float, as in Python 3; results print as Python
 * does (`16`, `16.0`, `0.1`, `True`).
 */
#include "ini_impl.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum { V_INT, V_FLOAT, V_BOOL } vkind;

typedef struct value {
    vkind kind;
    long long i; /* V_INT, V_BOOL */
    double d;    /* V_FLOAT */
} value;

typedef struct parser {
    const char *s;
    size_t pos, len;
    int depth; /* nesting, bounded so hostile input cannot exhaust the stack */
    char err[160];
} parser;

static double as_double(value v) { return v.kind == V_FLOAT ? v.d : (double)v.i; }
static int truthy(value v) { return v.kind == V_FLOAT ? v.d != 0.0 : v.i != 0; }
static value mk_int(long long i) { value v = {V_INT, i, 0.0}; return v; }
static value mk_float(double d) { value v = {V_FLOAT, 0, d}; return v; }
static value mk_bool(int b) { value v = {V_BOOL, b != 0, 0.0}; return v; }

/* An integral double as an int when it fits (Python ints are unbounded: a
 * result past 64 bits stays a float rather than overflowing). */
static value int_of(double d)
{
    if (isfinite(d) && d > -9.2e18 && d < 9.2e18)
        return mk_int((long long)d);
    return mk_float(d);
}

static int fail(parser *p, const char *msg)
{
    if (!p->err[0])
        snprintf(p->err, sizeof p->err, "%s (at offset %zu)", msg, p->pos);
    return 0;
}

static void skip_ws(parser *p)
{
    while (p->pos < p->len && isspace((unsigned char)p->s[p->pos]))
        ++p->pos;
}

/* The next token is the word `w` (not a prefix of a longer name). */
static int accept_word(parser *p, const char *w)
{
    skip_ws(p);
    size_t n = strlen(w);
    if (p->pos + n > p->len || strncmp(p->s + p->pos, w, n) != 0)
        return 0;
    char next = p->pos + n < p->len ? p->s[p->pos + n] : '\0';
    if (isalnum((unsigned char)next) || next == '_' || next == '.')
        return 0;
    p->pos += n;
    return 1;
}

static int accept_op(parser *p, const char *op)
{
    skip_ws(p);
    size_t n = strlen(op);
    if (p->pos + n > p->len || strncmp(p->s + p->pos, op, n) != 0)
        return 0;
    /* `*` must not match the start of `**`, `/` of `//`, `<` of `<=`... */
    if (n == 1 && p->pos + 1 < p->len) {
        char c = op[0], next = p->s[p->pos + 1];
        if ((c == '*' && next == '*') || (c == '/' && next == '/') ||
            ((c == '<' || c == '>' || c == '=' || c == '!') && next == '='))
            return 0;
    }
    p->pos += n;
    return 1;
}

static int parse_expr(parser *p, value *out);

static int parse_number(parser *p, value *out)
{
    const char *start = p->s + p->pos;
    char *end;
    int is_float = 0;
    for (const char *c = start; c < p->s + p->len && (isalnum((unsigned char)*c) || *c == '.' ||
                                                      ((*c == '+' || *c == '-') && c > start &&
                                                       (c[-1] == 'e' || c[-1] == 'E')));
         ++c)
        if (*c == '.' || *c == 'e' || *c == 'E')
            is_float = 1;
    if (is_float) {
        double d = strtod(start, &end);
        *out = mk_float(d);
    } else {
        errno = 0;
        long long i = strtoll(start, &end, 10);
        *out = errno == ERANGE ? mk_float(strtod(start, &end)) : mk_int(i);
    }
    if (end == start)
        return fail(p, "expected a number");
    p->pos += (size_t)(end - start);
    return 1;
}

static int call_function(parser *p, const char *name, value *args, int n, value *out)
{
    if (strncmp(name, "math.", 5) == 0)
        name += 5;
    if (strcmp(name, "int") == 0 && n == 1) {
        *out = args[0].kind == V_FLOAT ? int_of(trunc(args[0].d)) : mk_int(args[0].i);
        return 1;
    }
    if (strcmp(name, "float") == 0 && n == 1) {
        *out = mk_float(as_double(args[0]));
        return 1;
    }
    if (strcmp(name, "round") == 0 && (n == 1 || n == 2)) {
        double x = as_double(args[0]);
        if (n == 1) { /* Python 3 rounds half to even */
            double r = nearbyint(x);
            *out = args[0].kind == V_FLOAT ? int_of(r) : mk_int(args[0].i);
        } else {
            double scale = pow(10.0, as_double(args[1]));
            *out = mk_float(nearbyint(x * scale) / scale);
        }
        return 1;
    }
    if (strcmp(name, "abs") == 0 && n == 1) {
        *out = args[0].kind == V_FLOAT || args[0].i == LLONG_MIN ? mk_float(fabs(as_double(args[0])))
                                                                 : mk_int(llabs(args[0].i));
        return 1;
    }
    if ((strcmp(name, "min") == 0 || strcmp(name, "max") == 0) && n >= 1) {
        int want_max = name[1] == 'a';
        value best = args[0];
        for (int k = 1; k < n; ++k)
            if (want_max ? as_double(args[k]) > as_double(best) : as_double(args[k]) < as_double(best))
                best = args[k];
        *out = best;
        return 1;
    }
    if (strcmp(name, "pow") == 0 && n == 2) {
        *out = mk_float(pow(as_double(args[0]), as_double(args[1])));
        if (args[0].kind != V_FLOAT && args[1].kind != V_FLOAT && args[1].i >= 0)
            *out = int_of(nearbyint(out->d));
        return 1;
    }
    static const struct {
        const char *name;
        double (*fn)(double);
        int to_int;
    } unary[] = {{"sqrt", sqrt, 0}, {"exp", exp, 0},    {"log", log, 0},     {"log2", log2, 0},
                 {"log10", log10, 0}, {"ceil", ceil, 1}, {"floor", floor, 1}};
    for (size_t k = 0; k < sizeof unary / sizeof unary[0]; ++k)
        if (strcmp(name, unary[k].name) == 0 && n == 1) {
            double r = unary[k].fn(as_double(args[0]));
            *out = unary[k].to_int ? int_of(r) : mk_float(r);
            return 1;
        }
    return fail(p, "unknown function or wrong number of arguments (int, float, round, abs, min, "
                   "max, pow, sqrt, exp, log, log2, log10, ceil, floor)");
}

static int parse_atom(parser *p, value *out)
{
    skip_ws(p);
    if (p->pos >= p->len)
        return fail(p, "unexpected end of expression");
    char c = p->s[p->pos];
    if (c == '(') {
        ++p->pos;
        if (!parse_expr(p, out))
            return 0;
        return accept_op(p, ")") ? 1 : fail(p, "expected ')'");
    }
    if (isdigit((unsigned char)c) || c == '.')
        return parse_number(p, out);
    if (isalpha((unsigned char)c) || c == '_') {
        size_t start = p->pos;
        while (p->pos < p->len && (isalnum((unsigned char)p->s[p->pos]) || p->s[p->pos] == '_' ||
                                   p->s[p->pos] == '.'))
            ++p->pos;
        char name[32];
        size_t n = p->pos - start;
        if (n >= sizeof name)
            return fail(p, "name too long");
        memcpy(name, p->s + start, n);
        name[n] = '\0';
        if (strcmp(name, "True") == 0 || strcmp(name, "False") == 0) {
            *out = mk_bool(name[0] == 'T');
            return 1;
        }
        if (strcmp(name, "math.pi") == 0 || strcmp(name, "pi") == 0) {
            *out = mk_float(M_PI);
            return 1;
        }
        if (!accept_op(p, "("))
            return fail(p, "unknown name (undefined variable?)");
        value args[8];
        int count = 0;
        if (!accept_op(p, ")")) {
            do {
                if (count == 8)
                    return fail(p, "too many arguments");
                if (!parse_expr(p, &args[count++]))
                    return 0;
            } while (accept_op(p, ","));
            if (!accept_op(p, ")"))
                return fail(p, "expected ')' after the arguments");
        }
        return call_function(p, name, args, count, out);
    }
    return fail(p, "unexpected character");
}

static int parse_unary(parser *p, value *out);

static int parse_power(parser *p, value *out)
{
    if (!parse_atom(p, out))
        return 0;
    if (!accept_op(p, "**"))
        return 1;
    value e;
    if (++p->depth > 100)
        return fail(p, "expression nested too deeply");
    int ok = parse_unary(p, &e); /* right-associative, binds tighter than unary on its left */
    --p->depth;
    if (!ok)
        return 0;
    if (out->kind != V_FLOAT && e.kind != V_FLOAT && e.i >= 0) {
        long long base = out->i, r = 1;
        int overflow = 0;
        if (base == 0 || base == 1)
            r = e.i == 0 ? 1 : base;
        else if (base == -1)
            r = e.i % 2 ? -1 : 1;
        else /* |base| >= 2 overflows within 63 steps */
            for (long long k = 0; k < e.i && !overflow; ++k)
                overflow = __builtin_mul_overflow(r, base, &r);
        *out = overflow ? mk_float(pow(as_double(*out), as_double(e))) : mk_int(r);
    } else {
        *out = mk_float(pow(as_double(*out), as_double(e)));
    }
    return 1;
}

static int parse_unary(parser *p, value *out)
{
    int negate = 0; /* a run of signs is read in a loop, not by recursion */
    for (;;) {
        if (accept_op(p, "-"))
            negate = !negate;
        else if (!accept_op(p, "+"))
            break;
    }
    if (!parse_power(p, out))
        return 0;
    if (negate)
        *out = out->kind == V_FLOAT || out->i == LLONG_MIN ? mk_float(-as_double(*out))
                                                          : mk_int(-out->i);
    return 1;
}

static long long floor_div(long long a, long long b)
{
    long long q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

static int parse_term(parser *p, value *out)
{
    if (!parse_unary(p, out))
        return 0;
    for (;;) {
        int op;
        if (accept_op(p, "//"))
            op = 'f';
        else if (accept_op(p, "*"))
            op = '*';
        else if (accept_op(p, "/"))
            op = '/';
        else if (accept_op(p, "%"))
            op = '%';
        else
            return 1;
        value r;
        if (!parse_unary(p, &r))
            return 0;
        int ints = out->kind != V_FLOAT && r.kind != V_FLOAT;
        if (op != '*' && as_double(r) == 0.0)
            return fail(p, "division by zero");
        long long prod;
        if (op == '*')
            *out = ints && !__builtin_mul_overflow(out->i, r.i, &prod)
                       ? mk_int(prod)
                       : mk_float(as_double(*out) * as_double(r));
        else if (op == '/')
            *out = mk_float(as_double(*out) / as_double(r));
        else if (op == 'f')
            *out = ints && !(out->i == LLONG_MIN && r.i == -1)
                       ? mk_int(floor_div(out->i, r.i))
                       : mk_float(floor(as_double(*out) / as_double(r)));
        else if (ints)
            *out = mk_int(r.i == -1 ? 0 : out->i - floor_div(out->i, r.i) * r.i);
        else {
            double a = as_double(*out), b = as_double(r);
            *out = mk_float(a - floor(a / b) * b);
        }
    }
}

static int parse_arith(parser *p, value *out)
{
    if (!parse_term(p, out))
        return 0;
    for (;;) {
        int plus;
        if (accept_op(p, "+"))
            plus = 1;
        else if (accept_op(p, "-"))
            plus = 0;
        else
            return 1;
        value r;
        if (!parse_term(p, &r))
            return 0;
        long long sum;
        if (out->kind != V_FLOAT && r.kind != V_FLOAT &&
            !(plus ? __builtin_add_overflow(out->i, r.i, &sum)
                   : __builtin_sub_overflow(out->i, r.i, &sum)))
            *out = mk_int(sum);
        else
            *out = mk_float(plus ? as_double(*out) + as_double(r) : as_double(*out) - as_double(r));
    }
}

static int parse_comparison(parser *p, value *out)
{
    if (!parse_arith(p, out))
        return 0;
    static const char *const ops[] = {"<=", ">=", "==", "!=", "<", ">"};
    int result = 1, any = 0;
    value left = *out;
    for (;;) {
        int which = -1;
        for (int k = 0; k < 6 && which < 0; ++k)
            if (accept_op(p, ops[k]))
                which = k;
        if (which < 0)
            break;
        value right;
        if (!parse_arith(p, &right))
            return 0;
        double a = as_double(left), b = as_double(right);
        int ok = which == 0 ? a <= b : which == 1 ? a >= b : which == 2 ? a == b
               : which == 3 ? a != b : which == 4 ? a < b : a > b;
        result = result && ok;
        any = 1;
        left = right;
    }
    if (any)
        *out = mk_bool(result);
    return 1;
}

static int parse_not(parser *p, value *out)
{
    if (accept_word(p, "not")) {
        if (++p->depth > 100)
            return fail(p, "expression nested too deeply");
        int ok = parse_not(p, out);
        --p->depth;
        if (!ok)
            return 0;
        *out = mk_bool(!truthy(*out));
        return 1;
    }
    return parse_comparison(p, out);
}

static int parse_and(parser *p, value *out)
{
    if (!parse_not(p, out))
        return 0;
    while (accept_word(p, "and")) {
        value r;
        if (!parse_not(p, &r))
            return 0;
        if (truthy(*out)) /* Python returns the deciding operand */
            *out = r;
    }
    return 1;
}

static int parse_or(parser *p, value *out)
{
    if (!parse_and(p, out))
        return 0;
    while (accept_word(p, "or")) {
        value r;
        if (!parse_and(p, &r))
            return 0;
        if (!truthy(*out))
            *out = r;
    }
    return 1;
}

static int parse_expr_body(parser *p, value *out);

static int parse_expr(parser *p, value *out)
{
    if (++p->depth > 100)
        return fail(p, "expression nested too deeply");
    int ok = parse_expr_body(p, out);
    --p->depth;
    return ok;
}

static int parse_expr_body(parser *p, value *out)
{
    if (!parse_or(p, out))
        return 0;
    if (!accept_word(p, "if"))
        return 1;
    value cond, other;
    if (!parse_or(p, &cond))
        return 0;
    if (!accept_word(p, "else"))
        return fail(p, "expected 'else'");
    if (!parse_expr(p, &other))
        return 0;
    if (!truthy(cond))
        *out = other;
    return 1;
}

/* Python's repr of a float: the shortest text that reads back the same,
 * with ".0" on integral values. */
static void format_value(value v, char *buf, size_t size)
{
    if (v.kind == V_BOOL) {
        snprintf(buf, size, "%s", v.i ? "True" : "False");
        return;
    }
    if (v.kind == V_INT) {
        snprintf(buf, size, "%lld", v.i);
        return;
    }
    if (isinf(v.d) || isnan(v.d)) {
        snprintf(buf, size, "%s", isnan(v.d) ? "nan" : v.d > 0 ? "inf" : "-inf");
        return;
    }
    for (int prec = 1; prec <= 17; ++prec) {
        snprintf(buf, size, "%.*g", prec, v.d);
        if (strtod(buf, NULL) == v.d)
            break;
    }
    if (!strpbrk(buf, ".eEn"))
        strncat(buf, ".0", size - strlen(buf) - 1);
}

/* Offset of the `)` closing the `(` at `open`, or (size_t)-1. */
static size_t matching_paren(const char *s, size_t open)
{
    int depth = 0;
    for (size_t i = open; s[i]; ++i) {
        if (s[i] == '(')
            ++depth;
        else if (s[i] == ')' && --depth == 0)
            return i;
    }
    return (size_t)-1;
}

n2d2_status ini_eval_expressions(char **text, const ini_src *src, int line)
{
    char *s = *text;
    if (!s || !strstr(s, "$("))
        return N2D2_OK;
    ini_buf out = {0};
    size_t i = 0, plain = 0;
    n2d2_status st = N2D2_OK;
    while (s[i] && st == N2D2_OK) {
        if (s[i] != '$' || s[i + 1] != '(') {
            ++i;
            continue;
        }
        size_t close = matching_paren(s, i + 1);
        if (close == (size_t)-1) {
            st = ini_error_src(N2D2_ERR_PARSE, src, line, "unbalanced '$(' in '%s'", s);
            break;
        }
        parser p = {s + i + 2, 0, close - i - 2, 0, {0}};
        value v;
        int ok = parse_expr(&p, &v);
        skip_ws(&p);
        if (ok && p.pos != p.len)
            ok = fail(&p, "unexpected text after the expression");
        if (!ok) {
            st = ini_error_src(N2D2_ERR_PARSE, src, line, "cannot evaluate '%.*s': %s",
                               (int)(close + 1 - i), s + i, p.err);
            break;
        }
        char buf[64];
        format_value(v, buf, sizeof buf);
        st = ini_buf_append(&out, s + plain, i - plain);
        if (st == N2D2_OK)
            st = ini_buf_append(&out, buf, strlen(buf));
        i = plain = close + 1;
    }
    if (st == N2D2_OK)
        st = ini_buf_append(&out, s + plain, strlen(s + plain));
    if (st == N2D2_OK) {
        char *result = ini_buf_take(&out);
        if (!result)
            st = n2d2_error(N2D2_ERR_NOMEM, "out of memory");
        else {
            free(*text);
            *text = result;
        }
    }
    ini_buf_free(&out);
    return st;
}
