/* The entry points libFuzzer's engine calls (its main() is the engine's,
 * linked with -fsanitize=fuzzer): declared here because no installed
 * header declares them, so that each harness's definitions have a
 * prototype, as the build's -Wmissing-prototypes asks of every external
 * function. */
#ifndef TESTSUITE_FUZZ_H
#define TESTSUITE_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* once, before the first input: argc and argv are the engine's */
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* one input; the harnesses return 0, the value libFuzzer expects */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
