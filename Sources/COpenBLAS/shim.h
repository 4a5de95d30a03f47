#include <cblas.h>
// OpenBLAS extension: sets the number of threads sgemm uses.
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
// glibc's allocator tuning (mallopt): the engine keeps freed activation buffers mapped between steps.
#include <malloc.h>
