#ifndef CMPI_H
#define CMPI_H

// A thin shim over MPI for Swift: MPI's handles (MPI_COMM_WORLD, MPI_FLOAT, ...) are C macros Swift cannot import,
// so these functions name them. Built only with the MPI package trait (swift build --traits MPI).
// Errors: MPI's default handler (MPI_ERRORS_ARE_FATAL) ends the whole job on any failure of a call.

// MPI_Init_thread with MPI_THREAD_FUNNELED (worker threads compute; only the main thread calls MPI).
// Returns 0 on success.
int cmpi_init(void);
int cmpi_rank(void);
int cmpi_size(void);
void cmpi_finalize(void);

// MPI_Allgatherv on MPI_COMM_WORLD: every rank's `count` floats into `all`, rank r's at `displacements[r]`.
int cmpi_allgatherv_floats(const float *local, int count, float *all, const int *counts, const int *displacements);
// MPI_Bcast of `count` bytes from `root`.
int cmpi_broadcast_bytes(void *buffer, int count, int root);
// MPI_Bcast of one 64-bit integer from `root`.
int cmpi_broadcast_int64(long long *value, int root);

#endif
