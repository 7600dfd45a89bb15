/* token-decode.elf: the smallest firmware that decodes one token with libopaygo-device.a. Its
 * text, less baseline.elf's (the same start-up with an empty main), is the cost of decoding. */
#include "opaygo.h"

static uint8_t module_memory[OPAYGO_MEMORY_BYTES] __attribute__((aligned(8)));
static const uint8_t key[OPAYGO_KEY_SIZE] = {0xa2, 0x9a, 0xb8, 0x2e, 0xdc, 0x5f, 0xbb, 0xc4,
                                             0x1e, 0xc9, 0x53, 0x0f, 0x6d, 0xac, 0x86, 0xb1};
volatile int decoded_type;
volatile uint32_t decoded_value;
volatile int trapped;

void opaygo_trap_handler(int code) {
  trapped = code;
  for (;;) {
  }
}

int main(void) {
  opaygo_decoded_t d;
  opaygo_init(module_memory, sizeof module_memory);
  opaygo_set_key(key);
  decoded_type = opaygo_token_decode("780532937", 9, 284712936, 1, 0, 0, &d);
  decoded_value = d.value;
  return 0;
}
