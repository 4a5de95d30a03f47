// One-thread timing of the weight-gradient products of a training step, in both orders: dW = colᵀ·dY (what the
// engine computes: A transposed, k = the batch's pixels) and dWᵀ = dYᵀ·col. Min of 7 runs; Docs/PERFORMANCE.md.
//   cc -O3 -ISources/CEngine/include -ISources/CEngine Docs/performance/weight_gradient_shapes.c \
//      Sources/CEngine/{cgemm,x86,portable}.c -lpthread -lm -o /tmp/wg && /tmp/wg 8192 1152 128   # rows patch out
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "cgemm.h"
static double now(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec*1e-9;}
int main(int argc,char**argv){
  long rows=atol(argv[1]), patch=atol(argv[2]), o=atol(argv[3]);
  float *col=malloc(rows*patch*4),*dy=malloc(rows*o*4),*dw=calloc(patch*o,4),*dwt=calloc(patch*o,4);
  for(long i=0;i<rows*patch;i++)col[i]=(i%97)*0.01f; for(long i=0;i<rows*o;i++)dy[i]=(i%89)*0.01f;
  double best1=1e9,best2=1e9;
  for(int r=0;r<7;r++){
    double t=now(); cgemm_sgemm(1,0,patch,o,rows,col,patch,dy,o,1,dw,o); t=now()-t; if(t<best1)best1=t;
    t=now(); cgemm_sgemm(1,0,o,patch,rows,dy,o,col,patch,1,dwt,patch); t=now()-t; if(t<best2)best2=t;
  }
  double fl=2.0*rows*patch*o;
  printf("rows %ld patch %ld o %ld: A^T=col: %.2f ms (%.0f GF/s)  swapped A^T=dY: %.2f ms (%.0f GF/s)\n",rows,patch,o,best1*1e3,fl/best1/1e9,best2*1e3,fl/best2/1e9);
}
