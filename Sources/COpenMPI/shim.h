// Open MPI's C API (libopenmpi-dev); only the CMPI shim includes it, and only when the MPI trait is on.
#include <mpi.h>
