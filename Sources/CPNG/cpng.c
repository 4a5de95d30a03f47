#include "cpng.h"

#include <png.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static void copy_message(char *message, size_t message_size, const char *text) {
  if (message == NULL || message_size == 0) return;
  strncpy(message, text, message_size - 1);
  message[message_size - 1] = '\0';
}

static uint32_t read_be32(const uint8_t *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int within_bounds(uint32_t width, uint32_t height, uint32_t max_side, uint64_t max_pixels) {
  return width <= max_side && height <= max_side && (uint64_t)width * height <= max_pixels;
}

// Compacts RGBA rows to RGB in place; the RGB image is a prefix of the buffer.
static void drop_alpha(uint8_t *rgba, size_t pixel_count) {
  for (size_t i = 0; i < pixel_count; i++) {
    rgba[3 * i + 0] = rgba[4 * i + 0];
    rgba[3 * i + 1] = rgba[4 * i + 1];
    rgba[3 * i + 2] = rgba[4 * i + 2];
  }
}

struct cpng_reader {
  png_image image;
  size_t pixel_count;
};

void cpng_read_free(cpng_reader *reader) {
  if (reader == NULL) return;
  png_image_free(&reader->image);
  free(reader);
}

cpng_status cpng_read_begin(const void *data, size_t size, uint32_t max_side, uint64_t max_pixels,
                            cpng_reader **out, uint32_t *width, uint32_t *height, int *had_alpha,
                            char *message, size_t message_size) {
  *out = NULL;
  *width = 0;
  *height = 0;
  *had_alpha = 0;

  // libpng's begin_read parses up to the first IDAT; check IHDR's size
  // first so a hostile header is refused whatever follows it.
  const uint8_t *bytes = data;
  if (size >= 24 && memcmp(bytes + 12, "IHDR", 4) == 0) {
    uint32_t header_width = read_be32(bytes + 16);
    uint32_t header_height = read_be32(bytes + 20);
    if (!within_bounds(header_width, header_height, max_side, max_pixels)) {
      *width = header_width;
      *height = header_height;
      return CPNG_TOO_LARGE;
    }
  }

  cpng_reader *reader = calloc(1, sizeof *reader);
  if (reader == NULL) {
    copy_message(message, message_size, "out of memory");
    return CPNG_NO_MEMORY;
  }
  reader->image.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory(&reader->image, data, size)) {
    copy_message(message, message_size, reader->image.message);
    cpng_read_free(reader);
    return CPNG_FAILED;
  }
  *width = reader->image.width;
  *height = reader->image.height;
  if (!within_bounds(reader->image.width, reader->image.height, max_side, max_pixels)) {
    cpng_read_free(reader);
    return CPNG_TOO_LARGE;
  }

  *had_alpha = (reader->image.format & PNG_FORMAT_FLAG_ALPHA) != 0;
  // Reading with alpha and discarding it keeps the stored colours; asking the
  // simplified API for RGB instead would composite onto a background.
  reader->image.format = *had_alpha ? PNG_FORMAT_RGBA : PNG_FORMAT_RGB;
  // Without this flag 16-bit data is assumed linear and gamma-encoded on the
  // way to 8 bits; treating it as sRGB gives the plain round(v / 257).
  reader->image.flags |= PNG_IMAGE_FLAG_16BIT_sRGB;
  reader->pixel_count = (size_t)reader->image.width * reader->image.height;
  *out = reader;
  return CPNG_OK;
}

cpng_status cpng_read_finish(cpng_reader *reader, uint8_t *pixels, char *message, size_t message_size) {
  int had_alpha = (reader->image.format & PNG_FORMAT_FLAG_ALPHA) != 0;
  if (!png_image_finish_read(&reader->image, NULL, pixels, 0, NULL)) {
    copy_message(message, message_size, reader->image.message);
    cpng_read_free(reader);
    return CPNG_FAILED;
  }
  if (had_alpha) drop_alpha(pixels, reader->pixel_count);
  cpng_read_free(reader);
  return CPNG_OK;
}

struct cpng_writer {
  png_structp png;
  png_infop info;
  cpng_sink sink;
  void *context;
  int sink_error;         // errno from the sink, 0 if it never failed
  const char *message;    // libpng's last error text
  uint32_t width;
};

static void on_error(png_structp png, png_const_charp text) {
  cpng_writer *writer = png_get_error_ptr(png);
  writer->message = text;
  png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp text) {
  (void)png;
  (void)text;
}

static void on_write(png_structp png, png_bytep bytes, size_t count) {
  cpng_writer *writer = png_get_io_ptr(png);
  int error = writer->sink(writer->context, bytes, count);
  if (error != 0) {
    writer->sink_error = error;
    png_error(png, "the output could not be written");
  }
}

static void on_flush(png_structp png) { (void)png; }

// Reports how a libpng call that jumped back failed.
static cpng_status failure(cpng_writer *writer, int *sink_error, char *message, size_t message_size) {
  *sink_error = writer->sink_error;
  copy_message(message, message_size, writer->message ? writer->message : "libpng failed");
  return CPNG_FAILED;
}

void cpng_writer_free(cpng_writer *writer) {
  if (writer == NULL) return;
  png_destroy_write_struct(&writer->png, &writer->info);
  free(writer);
}

cpng_status cpng_writer_begin(cpng_sink sink, void *context, uint32_t width, uint32_t height,
                              cpng_writer **out, int *sink_error, char *message, size_t message_size) {
  *out = NULL;
  *sink_error = 0;
  cpng_writer *writer = calloc(1, sizeof *writer);
  if (writer == NULL) {
    copy_message(message, message_size, "out of memory");
    return CPNG_NO_MEMORY;
  }
  writer->sink = sink;
  writer->context = context;
  writer->width = width;
  writer->png = png_create_write_struct(PNG_LIBPNG_VER_STRING, writer, on_error, on_warning);
  writer->info = writer->png ? png_create_info_struct(writer->png) : NULL;
  if (writer->info == NULL) {
    cpng_writer_free(writer);
    copy_message(message, message_size, "out of memory");
    return CPNG_NO_MEMORY;
  }
  if (setjmp(png_jmpbuf(writer->png))) {
    cpng_status status = failure(writer, sink_error, message, message_size);
    cpng_writer_free(writer);
    return status;
  }
  png_set_write_fn(writer->png, writer, on_write, on_flush);
  png_set_IHDR(writer->png, writer->info, width, height, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(writer->png, writer->info);
  *out = writer;
  return CPNG_OK;
}

cpng_status cpng_writer_rows(cpng_writer *writer, const uint8_t *rows, uint32_t count,
                             int *sink_error, char *message, size_t message_size) {
  *sink_error = 0;
  if (setjmp(png_jmpbuf(writer->png))) return failure(writer, sink_error, message, message_size);
  size_t stride = (size_t)writer->width * 3;
  for (uint32_t r = 0; r < count; r++) png_write_row(writer->png, rows + r * stride);
  return CPNG_OK;
}

cpng_status cpng_writer_end(cpng_writer *writer, int *sink_error, char *message, size_t message_size) {
  *sink_error = 0;
  cpng_status status = CPNG_OK;
  if (setjmp(png_jmpbuf(writer->png))) {
    status = failure(writer, sink_error, message, message_size);
  } else {
    png_write_end(writer->png, NULL);
  }
  cpng_writer_free(writer);
  return status;
}

void cpng_free(void *buffer) { free(buffer); }

uint32_t cpng_crc32(const uint8_t *bytes, size_t count) {
  uLong crc = crc32(0L, Z_NULL, 0);
  // zlib takes uInt lengths; feed large inputs in pieces.
  while (count > 0) {
    uInt piece = count > 0x40000000u ? 0x40000000u : (uInt)count;
    crc = crc32(crc, bytes, piece);
    bytes += piece;
    count -= piece;
  }
  return (uint32_t)crc;
}
