#pragma once
// PNG shim over libpng's simplified png_image_* API. No setjmp/longjmp
// crosses into Swift: the simplified API handles libpng errors internally and
// reports them through png_image.message, which these functions copy out.
#include <stddef.h>
#include <stdint.h>

typedef enum {
  CPNG_OK = 0,
  CPNG_TOO_LARGE = 1,   // header dimensions exceed the caller's bound; nothing allocated
  CPNG_FAILED = 2,      // libpng reported an error; message holds it
  CPNG_NO_MEMORY = 3,
} cpng_status;

/// Decodes any PNG libpng reads into interleaved RGB8, row-major.
/// - The header is read first; if width > max_side, height > max_side or
///   width*height > max_pixels the call fails with CPNG_TOO_LARGE before any
///   pixel buffer is allocated.
/// - Alpha (an alpha channel or tRNS) is dropped without compositing and
///   reported through had_alpha.
/// - 16-bit samples without gAMA/sRGB are taken as sRGB-encoded, so they
///   reduce to round(v / 257) rather than being gamma converted.
/// On CPNG_OK *pixels is a malloc'd buffer of width*height*3 bytes; release it
/// with cpng_free. On failure *pixels is NULL and message holds a reason.
cpng_status cpng_read_rgb8(const void *data, size_t size,
                           uint32_t max_side, uint64_t max_pixels,
                           uint8_t **pixels, uint32_t *width, uint32_t *height,
                           int *had_alpha, char *message, size_t message_size);

/// Encodes interleaved RGB8 as an 8-bit RGB PNG. On CPNG_OK *png is a malloc'd
/// buffer of *png_size bytes; release it with cpng_free.
cpng_status cpng_write_rgb8(const uint8_t *pixels, uint32_t width, uint32_t height,
                            uint8_t **png, size_t *png_size,
                            char *message, size_t message_size);

void cpng_free(void *buffer);

/// zlib's CRC-32, as PNG chunks use it (over chunk type and data).
uint32_t cpng_crc32(const uint8_t *bytes, size_t count);
