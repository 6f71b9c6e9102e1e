#ifndef CSHA256_H
#define CSHA256_H

#include <stddef.h>
#include <stdint.h>

/// 1 when this processor has the SHA extensions (x86-64 SHA-NI), else 0.
int csha256_hardware(void);

/// SHA-256's 64 round constants.
const uint32_t *csha256_constants(void);

/// Runs SHA-256's compression over `blocks` 64-byte blocks with the SHA extensions.
/// Only call it when csha256_hardware() is 1.
void csha256_blocks(uint32_t state[8], const uint8_t *data, size_t blocks);

#endif
