/* server_driver.c: the server side of the full library (libopaygo.a, wasm2c, gcc -O2) for
 * `make bench-codec`, under callgrind: the module's own instructions per call, without Node.
 *
 *   server-driver BODY_FILE FORMAT_FILE KEYHEX OP N
 *       loads the request body (JSON) once, then runs OP N times: load, verify, expand (the data
 *       format set, then the expansion), answer (one token, signed). Prints "result R" (the last
 *       call's result).
 * Run it with N and 2N: the difference is the cost of N calls. It uses the C API only
 * (opaygo_metrics_server_*), in a 64 KiB block, so the same source builds against an older
 * libopaygo.a for a comparison. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opaygo.h"

void opaygo_trap_handler(int trap_code) {
  fprintf(stderr, "server-driver: wasm trap %d\n", trap_code);
  exit(3);
}

static uint8_t mem[65536];
static char body[65536], format[16384], out[65536];

static size_t slurp(const char *path, char *to, size_t cap) {
  FILE *f = fopen(path, "rb");
  if (!f) return 0;
  size_t n = fread(to, 1, cap, f);
  fclose(f);
  return n;
}

int main(int argc, char **argv) {
  if (argc != 6) {
    fprintf(stderr, "usage: server-driver BODY_FILE FORMAT_FILE KEYHEX OP N\n");
    return 2;
  }
  size_t body_len = slurp(argv[1], body, sizeof body), format_len = slurp(argv[2], format, sizeof format);
  const char *op = argv[4];
  long n = strtol(argv[5], NULL, 10);
  static const char answer[] = "{\"tkl\":[\"703181784\"]}";
  if (body_len == 0 || opaygo_init(mem, sizeof mem) != OPAYGO_OK || opaygo_set_key_hex(argv[3]) != OPAYGO_OK) return 1;
  int r = opaygo_metrics_server_load((const uint8_t *)body, body_len, 0, NULL, 0);
  for (long i = 0; i < n && r >= 0; i++) {
    if (strcmp(op, "load") == 0) r = opaygo_metrics_server_load((const uint8_t *)body, body_len, 0, NULL, 0);
    else if (strcmp(op, "verify") == 0) {
      int64_t ts = 0, rc = 0;
      r = opaygo_metrics_server_verify(&ts, &rc);
    } else if (strcmp(op, "expand") == 0) r = opaygo_metrics_server_expand(format, format_len, 1700000000, out, sizeof out);
    else if (strcmp(op, "answer") == 0) r = opaygo_metrics_server_answer(answer, sizeof answer - 1, 1, out, sizeof out);
    else return 2;
  }
  printf("result %d\n", r);
  return r < 0;
}
