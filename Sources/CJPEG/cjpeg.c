#include "cjpeg.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
// jpeglib.h needs FILE and size_t declared first.
#include <jpeglib.h>
#include <jerror.h>

// error_exit longjmps to `escape`, which the calling shim function set; the
// jump never leaves this file.
typedef struct {
  struct jpeg_error_mgr base;
  jmp_buf escape;
  volatile int hit_end_of_data;  // read after the longjmp
  char *message;
  size_t message_size;
} shim_error_manager;

static void copy_message(char *message, size_t message_size, const char *text) {
  if (message == NULL || message_size == 0) return;
  strncpy(message, text, message_size - 1);
  message[message_size - 1] = '\0';
}

static void record_and_escape(j_common_ptr cinfo) {
  shim_error_manager *manager = (shim_error_manager *)cinfo->err;
  char text[JMSG_LENGTH_MAX];
  (*cinfo->err->format_message)(cinfo, text);
  copy_message(manager->message, manager->message_size, text);
  longjmp(manager->escape, 1);
}

// Warnings are not fatal in libjpeg: a truncated file decodes as grey after
// JWRN_JPEG_EOF. Remember that one so truncation is reported, not hidden.
static void note_warning(j_common_ptr cinfo, int level) {
  shim_error_manager *manager = (shim_error_manager *)cinfo->err;
  if (level < 0 && cinfo->err->msg_code == JWRN_JPEG_EOF) manager->hit_end_of_data = 1;
}

static void install_error_manager(shim_error_manager *manager, char *message, size_t message_size) {
  memset(manager, 0, sizeof *manager);
  jpeg_std_error(&manager->base);
  manager->base.error_exit = record_and_escape;
  manager->base.emit_message = note_warning;
  manager->message = message;
  manager->message_size = message_size;
}

// Adobe files store CMYK inverted (0 = full ink), which is what libjpeg
// returns for them; plain CMYK stores ink amounts directly.
static void cmyk_to_rgb(const uint8_t *cmyk, uint8_t *rgb, size_t pixel_count, int inverted) {
  for (size_t i = 0; i < pixel_count; i++) {
    unsigned c = cmyk[4 * i], m = cmyk[4 * i + 1], y = cmyk[4 * i + 2], k = cmyk[4 * i + 3];
    if (!inverted) { c = 255 - c; m = 255 - m; y = 255 - y; k = 255 - k; }
    rgb[3 * i + 0] = (uint8_t)((c * k + 127) / 255);
    rgb[3 * i + 1] = (uint8_t)((m * k + 127) / 255);
    rgb[3 * i + 2] = (uint8_t)((y * k + 127) / 255);
  }
}

struct cjpeg_reader {
  struct jpeg_decompress_struct cinfo;
  shim_error_manager errors;
  int is_cmyk;
};

void cjpeg_read_free(cjpeg_reader *reader) {
  if (reader == NULL) return;
  jpeg_destroy_decompress(&reader->cinfo);
  free(reader);
}

cjpeg_status cjpeg_read_begin(const void *data, size_t size, uint32_t max_side, uint64_t max_pixels,
                              cjpeg_reader **out, uint32_t *width, uint32_t *height,
                              char *message, size_t message_size) {
  *out = NULL;
  *width = 0;
  *height = 0;
  cjpeg_reader *reader = calloc(1, sizeof *reader);
  if (reader == NULL) {
    copy_message(message, message_size, "out of memory");
    return CJPEG_NO_MEMORY;
  }
  install_error_manager(&reader->errors, message, message_size);
  reader->cinfo.err = &reader->errors.base;
  if (setjmp(reader->errors.escape)) {
    int truncated = reader->errors.hit_end_of_data;
    cjpeg_read_free(reader);
    return truncated ? CJPEG_TRUNCATED : CJPEG_FAILED;
  }
  jpeg_create_decompress(&reader->cinfo);
  jpeg_mem_src(&reader->cinfo, (const unsigned char *)data, (unsigned long)size);
  jpeg_read_header(&reader->cinfo, TRUE);
  if (reader->errors.hit_end_of_data) {
    cjpeg_read_free(reader);
    return CJPEG_TRUNCATED;
  }
  *width = reader->cinfo.image_width;
  *height = reader->cinfo.image_height;
  if (reader->cinfo.image_width > max_side || reader->cinfo.image_height > max_side ||
      (uint64_t)reader->cinfo.image_width * reader->cinfo.image_height > max_pixels) {
    cjpeg_read_free(reader);
    return CJPEG_TOO_LARGE;
  }
  reader->is_cmyk = reader->cinfo.jpeg_color_space == JCS_CMYK || reader->cinfo.jpeg_color_space == JCS_YCCK;
  reader->cinfo.out_color_space = reader->is_cmyk ? JCS_CMYK : JCS_RGB;  // grayscale expands to RGB
  *out = reader;
  return CJPEG_OK;
}

cjpeg_status cjpeg_read_finish(cjpeg_reader *reader, uint8_t *pixels, char *message, size_t message_size) {
  struct jpeg_decompress_struct *cinfo = &reader->cinfo;
  reader->errors.message = message;
  reader->errors.message_size = message_size;
  // Locals changed after setjmp must be volatile to survive the longjmp.
  uint8_t *volatile row = NULL;
  if (setjmp(reader->errors.escape)) {
    int truncated = reader->errors.hit_end_of_data;
    cjpeg_read_free(reader);
    free(row);
    return truncated ? CJPEG_TRUNCATED : CJPEG_FAILED;
  }
  jpeg_start_decompress(cinfo);
  if (reader->is_cmyk) {
    row = malloc((size_t)cinfo->output_width * cinfo->output_components);
    if (row == NULL) {
      cjpeg_read_free(reader);
      copy_message(message, message_size, "out of memory");
      return CJPEG_NO_MEMORY;
    }
  }
  while (cinfo->output_scanline < cinfo->output_height) {
    size_t y = cinfo->output_scanline;
    uint8_t *target = pixels + y * cinfo->output_width * 3;
    JSAMPROW rows[1] = {reader->is_cmyk ? row : target};
    jpeg_read_scanlines(cinfo, rows, 1);
    if (reader->is_cmyk) cmyk_to_rgb(row, target, cinfo->output_width, cinfo->saw_Adobe_marker);
  }
  // A missing EOI counts as truncation too: for a progressive file, data that
  // stops between scans looks the same, and it cannot be told apart cheaply.
  jpeg_finish_decompress(cinfo);
  int truncated = reader->errors.hit_end_of_data;
  cjpeg_read_free(reader);
  free(row);
  return truncated ? CJPEG_TRUNCATED : CJPEG_OK;
}

// A destination that grows one malloc'd buffer. jpeg_mem_dest is not used
// because after it reallocates, the caller's pointer is stale until
// jpeg_finish_compress, so an error path cannot free the right buffer.
typedef struct {
  struct jpeg_destination_mgr base;
  uint8_t *buffer;
  size_t capacity;
} growing_destination;

static void start_destination(j_compress_ptr cinfo) { (void)cinfo; }

static boolean grow_destination(j_compress_ptr cinfo) {
  growing_destination *destination = (growing_destination *)cinfo->dest;
  size_t old_capacity = destination->capacity;
  uint8_t *grown = realloc(destination->buffer, old_capacity * 2);
  if (grown == NULL) ERREXIT1(cinfo, JERR_OUT_OF_MEMORY, 0);
  destination->buffer = grown;
  destination->capacity = old_capacity * 2;
  destination->base.next_output_byte = grown + old_capacity;
  destination->base.free_in_buffer = old_capacity;
  return TRUE;
}

static void finish_destination(j_compress_ptr cinfo) { (void)cinfo; }

cjpeg_status cjpeg_write(const uint8_t *pixels, uint32_t width, uint32_t height,
                         int components, int quality, int progressive,
                         uint8_t **jpeg, size_t *jpeg_size,
                         char *message, size_t message_size) {
  *jpeg = NULL;
  *jpeg_size = 0;
  if (components != 1 && components != 3 && components != 4) {
    copy_message(message, message_size, "components must be 1, 3 or 4");
    return CJPEG_FAILED;
  }

  // A quarter of the raw size holds most quality-90 images without growing.
  growing_destination destination;
  memset(&destination, 0, sizeof destination);
  destination.capacity = (size_t)width * height * components / 4 + 4096;
  destination.buffer = malloc(destination.capacity);
  if (destination.buffer == NULL) {
    copy_message(message, message_size, "out of memory");
    return CJPEG_NO_MEMORY;
  }
  destination.base.next_output_byte = destination.buffer;
  destination.base.free_in_buffer = destination.capacity;
  destination.base.init_destination = start_destination;
  destination.base.empty_output_buffer = grow_destination;
  destination.base.term_destination = finish_destination;

  struct jpeg_compress_struct cinfo;
  shim_error_manager errors;
  install_error_manager(&errors, message, message_size);
  cinfo.err = &errors.base;
  if (setjmp(errors.escape)) {
    // destination's address was handed to libjpeg, so it lives in memory and
    // its buffer field is current here.
    jpeg_destroy_compress(&cinfo);
    free(destination.buffer);
    return CJPEG_FAILED;
  }
  jpeg_create_compress(&cinfo);
  cinfo.dest = &destination.base;
  cinfo.image_width = width;
  cinfo.image_height = height;
  cinfo.input_components = components;
  cinfo.in_color_space = components == 1 ? JCS_GRAYSCALE : components == 3 ? JCS_RGB : JCS_CMYK;
  jpeg_set_defaults(&cinfo);
  jpeg_set_quality(&cinfo, quality, TRUE);
  cinfo.optimize_coding = TRUE;
  if (components == 3) {
    // 4:2:0: luma sampled 2x2 relative to both chroma planes.
    cinfo.comp_info[0].h_samp_factor = 2;
    cinfo.comp_info[0].v_samp_factor = 2;
    cinfo.comp_info[1].h_samp_factor = cinfo.comp_info[1].v_samp_factor = 1;
    cinfo.comp_info[2].h_samp_factor = cinfo.comp_info[2].v_samp_factor = 1;
  }
  if (progressive) jpeg_simple_progression(&cinfo);
  jpeg_start_compress(&cinfo, TRUE);
  size_t stride = (size_t)width * components;
  while (cinfo.next_scanline < cinfo.image_height) {
    JSAMPROW rows[1] = {(JSAMPROW)(pixels + (size_t)cinfo.next_scanline * stride)};
    jpeg_write_scanlines(&cinfo, rows, 1);
  }
  jpeg_finish_compress(&cinfo);
  jpeg_destroy_compress(&cinfo);
  *jpeg = destination.buffer;
  *jpeg_size = destination.capacity - destination.base.free_in_buffer;
  return CJPEG_OK;
}

void cjpeg_free(void *buffer) { free(buffer); }
