/* baseline.elf: the start-up of token-decode.elf with nothing to do (the size report subtracts it). */
int main(void) { return 0; }
