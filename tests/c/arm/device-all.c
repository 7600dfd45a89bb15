/* device-all.elf: a firmware that links every function of the device API (libopaygo-device.a).
 * Its text, less baseline.elf's, is what the device library costs a firmware that uses all of
 * it, with what it takes from libgcc and newlib-nano (the library's own text leaves those out). */
#include "opaygo.h"

void opaygo_trap_handler(int code) {
  (void)code;
  for (;;) {
  }
}

typedef void (*any_function)(void);
volatile any_function keep[] = {
    (any_function)opaygo_init, (any_function)opaygo_memory_required, (any_function)opaygo_set_key,
    (any_function)opaygo_set_key_hex, (any_function)opaygo_strerror, (any_function)opaygo_starting_code_from_key,
    (any_function)opaygo_token_decode, (any_function)opaygo_device_init, (any_function)opaygo_device_enter_token,
    (any_function)opaygo_device_is_active, (any_function)opaygo_device_seconds_left,
    (any_function)opaygo_device_active_until, (any_function)opaygo_device_payg_disabled,
    (any_function)opaygo_device_count, (any_function)opaygo_device_used_counts, (any_function)opaygo_device_last_value,
    (any_function)opaygo_device_invalid_streak, (any_function)opaygo_device_blocked_until,
    (any_function)opaygo_device_save, (any_function)opaygo_device_load, (any_function)opaygo_store_load,
    (any_function)opaygo_store_save, (any_function)opaygo_metrics_init,
    (any_function)opaygo_metrics_io_capacity, (any_function)opaygo_metrics_out_capacity,
    (any_function)opaygo_metrics_format_id, (any_function)opaygo_metrics_format_object,
    (any_function)opaygo_metrics_format_name, (any_function)opaygo_metrics_timestamp,
    (any_function)opaygo_metrics_request_count, (any_function)opaygo_metrics_collection_timestamp,
    (any_function)opaygo_metrics_row_begin, (any_function)opaygo_metrics_row_end, (any_function)opaygo_metrics_put_int,
    (any_function)opaygo_metrics_put_float, (any_function)opaygo_metrics_put_bool, (any_function)opaygo_metrics_put_null,
    (any_function)opaygo_metrics_put_string, (any_function)opaygo_metrics_array_begin,
    (any_function)opaygo_metrics_array_end, (any_function)opaygo_metrics_encode, (any_function)opaygo_metrics_ring,
    (any_function)opaygo_metrics_ring_clear, (any_function)opaygo_metrics_accessory_add,
    (any_function)opaygo_metrics_answer_apply, (any_function)opaygo_metrics_answer_tokens,
    (any_function)opaygo_metrics_answer_token_result, (any_function)opaygo_metrics_answer_token_value,
    (any_function)opaygo_metrics_answer_time_kind, (any_function)opaygo_metrics_answer_time,
    (any_function)opaygo_metrics_answer_format_id, (any_function)opaygo_metrics_answer_object,
    (any_function)opaygo_metrics_answer_string,
};

int main(void) { return keep[0] == 0; }
