// Generated from abi/abi.json by scripts/gen-abi.mjs: do not edit (change the table, then run node scripts/gen-abi.mjs).
// Every Metrics member name pair, condensed then simple, space-separated, in the reference's order
// (the server's key translation: the first pair naming a member wins).
export const NAME_PAIRS: string = "sn serial_number ts timestamp a auth rc request_count dtc data_collection_timestamp dct data_collection_timestamp df data_format_id dfo data_format d data hd historical_data acc accessories tkl token_list auts active_until_timestamp asl active_seconds_left st settings ed extra_data tc token_count autsr active_until_timestamp_requested aslr active_seconds_left_requested";
