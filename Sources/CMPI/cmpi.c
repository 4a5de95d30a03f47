#include "cmpi.h"

#ifdef VQCODEC_MPI
#include <mpi.h>

int cmpi_init(void) {
  int provided = 0;
  return MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided) == MPI_SUCCESS ? 0 : 1;
}

int cmpi_rank(void) {
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  return rank;
}

int cmpi_size(void) {
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  return size;
}

void cmpi_finalize(void) { MPI_Finalize(); }


int cmpi_allgatherv_floats(const float *local, int count, float *all, const int *counts, const int *displacements) {
  return MPI_Allgatherv(local, count, MPI_FLOAT, all, counts, displacements, MPI_FLOAT, MPI_COMM_WORLD);
}

int cmpi_broadcast_bytes(void *buffer, int count, int root) {
  return MPI_Bcast(buffer, count, MPI_BYTE, root, MPI_COMM_WORLD);
}

int cmpi_broadcast_int64(long long *value, int root) {
  return MPI_Bcast(value, 1, MPI_LONG_LONG, root, MPI_COMM_WORLD);
}
#endif
