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

typedef struct cpng_reader cpng_reader;

/// Reads the header of any PNG libpng reads (1-16 bit; gray, gray+alpha, RGB, RGBA, palette, tRNS, Adam7), so the
/// caller can allocate the pixels: width*height*4 bytes when *had_alpha, width*height*3 otherwise.
/// - IHDR is checked first: if width > max_side, height > max_side or width*height > max_pixels the call fails
///   with CPNG_TOO_LARGE before anything is allocated.
/// - data must stay valid until cpng_read_finish or cpng_read_free.
/// On CPNG_OK, *reader must go to cpng_read_finish or cpng_read_free.
cpng_status cpng_read_begin(const void *data, size_t size, uint32_t max_side, uint64_t max_pixels,
                            cpng_reader **reader, uint32_t *width, uint32_t *height, int *had_alpha,
                            char *message, size_t message_size);

/// Decodes into pixels as interleaved RGB8, row-major, width*height*3 bytes (the buffer is the size
/// cpng_read_begin asked for: alpha is read, then dropped without compositing). 16-bit samples without gAMA/sRGB
/// are taken as sRGB-encoded, so they reduce to round(v / 257) rather than being gamma converted. Frees the reader.
cpng_status cpng_read_finish(cpng_reader *reader, uint8_t *pixels, char *message, size_t message_size);

/// Frees a reader that will not be finished.
void cpng_read_free(cpng_reader *reader);

/// Where an encoder's bytes go: returns 0, or an errno value that ends the encoding.
typedef int (*cpng_sink)(void *context, const uint8_t *bytes, size_t count);

typedef struct cpng_writer cpng_writer;

/// Starts an 8-bit RGB PNG of width x height sent to sink(context, ...) as it is compressed, so an image can be
/// written in bands of rows without ever being whole in memory. libpng's errors are caught here (setjmp) and
/// returned as CPNG_FAILED with message, or with *sink_error set when the sink failed. On CPNG_OK, *writer must be
/// passed to cpng_writer_end or cpng_writer_free.
cpng_status cpng_writer_begin(cpng_sink sink, void *context, uint32_t width, uint32_t height,
                              cpng_writer **writer, int *sink_error, char *message, size_t message_size);

/// Compresses the next `count` rows (width*3 bytes each, top to bottom).
cpng_status cpng_writer_rows(cpng_writer *writer, const uint8_t *rows, uint32_t count,
                             int *sink_error, char *message, size_t message_size);

/// Writes the end of the file after all height rows and frees the writer (whatever the status).
cpng_status cpng_writer_end(cpng_writer *writer, int *sink_error, char *message, size_t message_size);

/// Frees a writer that will not be finished.
void cpng_writer_free(cpng_writer *writer);

void cpng_free(void *buffer);

/// zlib's CRC-32, as PNG chunks use it (over chunk type and data).
uint32_t cpng_crc32(const uint8_t *bytes, size_t count);
