/* bench_driver.c: the native (wasm2c, gcc -O2) side of `make bench`.
 *
 *   bench-driver decode KEYHEX STARTING_CODE LAST_COUNT TOKEN N [time]
 *       N stateless decodes through the C API (opaygo.h); prints "result R" and, with "time",
 *       "ns_per_op X" (median of 7 batches of N, clock_gettime(CLOCK_MONOTONIC)).
 *   bench-driver encode SCRIPT N [time]
 *       N metrics requests built and encoded through the C API; SCRIPT is one operation a line,
 *       written by tests/bench/bench.ts. Prints "bytes N", "hex ..." (the last output) and, with
 *       "time", "ns_per_op X".
 * Run under callgrind with N and 2N: the difference is the cost of N operations, without the
 * fixed cost of starting, parsing and instantiating. Built with -DOPAYGO_TOKEN_ONLY=1 against
 * libopaygo-token.a, it has the decode command only. */
#define _POSIX_C_SOURCE 199309L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "opaygo.h"

void opaygo_trap_handler(int trap_code) {
  fprintf(stderr, "bench-driver: wasm trap %d\n", trap_code);
  exit(3);
}

static double now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

#define BATCHES 7
typedef void (*batch_fn)(long n);
static void report_time(batch_fn fn, long n) {
  double t[BATCHES];
  for (int b = 0; b < BATCHES; b++) {
    double t0 = now_ns();
    fn(n);
    t[b] = (now_ns() - t0) / (double)n;
  }
  qsort(t, BATCHES, sizeof t[0], cmp_double);
  printf("ns_per_op %.1f\n", t[BATCHES / 2]);
}

/* ---- token decode ---------------------------------------------------------------------- */
static uint8_t dec_mem[OPAYGO_MEMORY_BYTES];
static const char *dec_token;
static uint32_t dec_sc, dec_last;
static volatile int dec_sink;

static void decode_batch(long n) {
  for (long i = 0; i < n; i++) {
    opaygo_decoded_t out;
    dec_sink = opaygo_token_decode(dec_token, strlen(dec_token), dec_sc, dec_last, 0, 0, &out);
  }
}

static int cmd_decode(int argc, char **argv) {
  if (argc < 7) return 2;
  if (opaygo_init(dec_mem, sizeof dec_mem) != OPAYGO_OK || opaygo_set_key_hex(argv[2]) != OPAYGO_OK) return 1;
  dec_sc = (uint32_t)strtoul(argv[3], NULL, 10);
  if (dec_sc == 0) dec_sc = opaygo_starting_code_from_key();
  dec_last = (uint32_t)strtoul(argv[4], NULL, 10);
  dec_token = argv[5];
  long n = strtol(argv[6], NULL, 10);
  decode_batch(n);
  printf("result %d\n", dec_sink);
  if (argc > 7 && strcmp(argv[7], "time") == 0) report_time(decode_batch, n);
  return 0;
}

/* ---- metrics request encoding ---------------------------------------------------------- */
#if !OPAYGO_TOKEN_ONLY
enum { OP_KEY, OP_INIT, OP_FMTID, OP_NAME, OP_TS, OP_RC, OP_BEGIN, OP_INT, OP_FLOAT, OP_BOOL, OP_NULL, OP_STR, OP_END, OP_ENCODE, OP_CLEAR };
typedef struct {
  int op;
  char a[64], b[64];
  long long i;
  double f;
} op_t;
#define MAX_OPS 1024
static op_t ops[MAX_OPS];
static int n_ops;
static uint8_t enc_mem[OPAYGO_MEMORY_BYTES];
static uint8_t enc_out[4096];
static volatile uint32_t enc_len;

static void run_ops(void) {
  for (int k = 0; k < n_ops; k++) {
    op_t *o = &ops[k];
    int r = 0;
    switch (o->op) {
      case OP_KEY: r = opaygo_set_key_hex(o->a); break;
      case OP_INIT: r = opaygo_metrics_init(o->a, strlen(o->a), (int)o->i); break;
      case OP_FMTID: r = opaygo_metrics_format_id(o->i, (int)o->f); break;
      case OP_NAME: r = opaygo_metrics_format_name((int)o->i, o->a, strlen(o->a)); break;
      case OP_TS: r = opaygo_metrics_timestamp(o->i); break;
      case OP_RC: r = opaygo_metrics_request_count(o->i); break;
      case OP_BEGIN: r = opaygo_metrics_row_begin((int)o->i); break;
      case OP_INT: r = opaygo_metrics_put_int(o->a, strlen(o->a), o->i); break;
      case OP_FLOAT: r = opaygo_metrics_put_float(o->a, strlen(o->a), o->f); break;
      case OP_BOOL: r = opaygo_metrics_put_bool(o->a, strlen(o->a), (int)o->i); break;
      case OP_NULL: r = opaygo_metrics_put_null(o->a, strlen(o->a)); break;
      case OP_STR: r = opaygo_metrics_put_string(o->a, strlen(o->a), o->b, strlen(o->b)); break;
      case OP_END: r = opaygo_metrics_row_end(); break;
      case OP_CLEAR: r = opaygo_metrics_ring_clear(); break;
      case OP_ENCODE: r = opaygo_metrics_encode((int)o->i, (int)o->f, enc_out, sizeof enc_out); enc_len = (uint32_t)r; break;
    }
    if (r < 0) {
      fprintf(stderr, "bench-driver: operation %d (line %d) failed: %d\n", o->op, k + 1, r);
      exit(1);
    }
  }
}

static void encode_batch(long n) {
  for (long i = 0; i < n; i++) run_ops();
}

static int parse_script(const char *path) {
  static const char *names[] = {"key", "init", "fmtid", "name", "ts", "rc", "begin", "int", "float", "bool", "null", "str", "end", "encode", "clear"};
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  char line[256];
  while (fgets(line, sizeof line, f)) {
    line[strcspn(line, "\n")] = 0;
    if (!line[0]) continue;
    if (n_ops == MAX_OPS) return -1;
    op_t *o = &ops[n_ops++];
    memset(o, 0, sizeof *o);
    char *f1 = strtok(line, "\t"), *f2 = strtok(NULL, "\t"), *f3 = strtok(NULL, "\t");
    o->op = -1;
    for (int k = 0; k < (int)(sizeof names / sizeof names[0]); k++)
      if (strcmp(f1, names[k]) == 0) o->op = k;
    switch (o->op) {
      case OP_KEY: case OP_NULL: snprintf(o->a, sizeof o->a, "%s", f2); break;
      case OP_INIT: case OP_NAME: case OP_INT: case OP_BOOL:
        /* init SN AUTH | name LIST NAME | int NAME V | bool NAME 0/1 */
        if (o->op == OP_NAME) { o->i = atoll(f2); snprintf(o->a, sizeof o->a, "%s", f3); }
        else { snprintf(o->a, sizeof o->a, "%s", f2); o->i = atoll(f3); }
        break;
      case OP_FMTID: case OP_ENCODE: o->i = atoll(f2); o->f = atof(f3); break;
      case OP_TS: case OP_RC: case OP_BEGIN: o->i = atoll(f2); break;
      case OP_FLOAT: snprintf(o->a, sizeof o->a, "%s", f2); o->f = strtod(f3, NULL); break;
      case OP_STR: snprintf(o->a, sizeof o->a, "%s", f2); snprintf(o->b, sizeof o->b, "%s", f3 ? f3 : ""); break;
      case OP_END: case OP_CLEAR: break;
      default: fprintf(stderr, "bench-driver: bad script line %d\n", n_ops); return -1;
    }
  }
  fclose(f);
  return 0;
}

static int cmd_encode(int argc, char **argv) {
  if (argc < 4) return 2;
  if (parse_script(argv[2]) != 0) return 1;
  if (opaygo_init(enc_mem, sizeof enc_mem) != OPAYGO_OK) return 1;
  long n = strtol(argv[3], NULL, 10);
  encode_batch(n);
  printf("bytes %u\nhex ", enc_len);
  for (uint32_t k = 0; k < enc_len; k++) printf("%02x", enc_out[k]);
  printf("\n");
  if (argc > 4 && strcmp(argv[4], "time") == 0) report_time(encode_batch, n);
  return 0;
}
#else
static int cmd_encode(int argc, char **argv) {
  (void)argc;
  (void)argv;
  fprintf(stderr, "bench-driver: the token build has no metrics\n");
  return 1;
}
#endif

int main(int argc, char **argv) {
  int rc = 2;
  if (argc > 1 && strcmp(argv[1], "decode") == 0) rc = cmd_decode(argc, argv);
  else if (argc > 1 && strcmp(argv[1], "encode") == 0) rc = cmd_encode(argc, argv);
  if (rc == 2) fprintf(stderr, "usage: bench-driver decode KEY SC LAST TOKEN N [time] | encode SCRIPT N [time]\n");
  return rc;
}
