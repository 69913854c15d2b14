// The F16 generation kernel's memory stream in C, beside Hearth's Java one (tools/bench/f16-stream.sh runs both):
// one thread dots every 2048-wide F16 matrix of a GGUF file with one activation row, 64 rows at a time as
// Hearth's generation pieces go, and prints GB/s of weights read per pass for three loops:
//   cvt1row   one row at a time, vcvtph2ps from memory, 4 accumulators (the shape of ggml's F16 dot)
//   int4rows  rows r, r+16, r+32, r+48 of a piece together, halves widened with integer operations, no test for
//             zero/subnormal/inf/NaN halves (Hearth's fourRows without its per-block test: inexact on those blocks)
//   cvt4rows  the same four rows, vcvtph2ps
//   ph1row    one row at a time in half-precision arithmetic: activations rounded to F16, vfmadd231ph into four
//             32-lane F16 accumulators, 128 halves per step (what llama.cpp's ggml_vec_dot_f16 compiles to with
//             -march=native where the CPU has AVX512-FP16: perf annotate of its tg on such a VM shows exactly these
//             four loads and four vfmadd231ph); only built when the compiler targets AVX512-FP16
// The numbers are only for comparing loops with each other on one machine; nothing here is Hearth's arithmetic.
// Build: cc -O2 -march=native -o f16-stream f16-stream.c   Input on stdin: "file_offset rows" per matrix.
#include <immintrin.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <sys/mman.h>
#include <fcntl.h>
#include <unistd.h>
#include <time.h>

enum { COLS = 2048, PIECE = 64 };

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static __m512 cvt(const uint16_t *p) { return _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)p)); }

// Hearth's widening: sign-extend, shift left 13, keep sign/exponent/mantissa, add 96 to the exponent (h * 2^-16)
static __m512 widen(const uint16_t *p) {
  __m512i t = _mm512_slli_epi32(_mm512_cvtepi16_epi32(_mm256_loadu_si256((const __m256i *)p)), 13);
  return _mm512_castsi512_ps(_mm512_or_si512(_mm512_and_si512(t, _mm512_set1_epi32(0x8FFFE000)), _mm512_set1_epi32(0x30000000)));
}

static float cvt1row(const uint16_t *w, const float *a) {
  __m512 c0 = _mm512_setzero_ps(), c1 = c0, c2 = c0, c3 = c0;
  for (int i = 0; i < COLS; i += 64) {
    c0 = _mm512_fmadd_ps(cvt(w + i), _mm512_loadu_ps(a + i), c0);
    c1 = _mm512_fmadd_ps(cvt(w + i + 16), _mm512_loadu_ps(a + i + 16), c1);
    c2 = _mm512_fmadd_ps(cvt(w + i + 32), _mm512_loadu_ps(a + i + 32), c2);
    c3 = _mm512_fmadd_ps(cvt(w + i + 48), _mm512_loadu_ps(a + i + 48), c3);
  }
  return _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(c0, c1), _mm512_add_ps(c2, c3)));
}

#define FOUR_ROWS(NAME, LOAD)                                                                              \
  static float NAME(const uint16_t *w0, const float *a) {                                                  \
    const uint16_t *w1 = w0 + 16 * COLS, *w2 = w1 + 16 * COLS, *w3 = w2 + 16 * COLS;                       \
    __m512 c0 = _mm512_setzero_ps(), c1 = c0, c2 = c0, c3 = c0;                                            \
    for (int i = 0; i < COLS; i += 32) {                                                                   \
      __m512 a0 = _mm512_loadu_ps(a + i), a1 = _mm512_loadu_ps(a + i + 16);                                \
      c0 = _mm512_fmadd_ps(LOAD(w0 + i + 16), a1, _mm512_fmadd_ps(LOAD(w0 + i), a0, c0));                 \
      c1 = _mm512_fmadd_ps(LOAD(w1 + i + 16), a1, _mm512_fmadd_ps(LOAD(w1 + i), a0, c1));                 \
      c2 = _mm512_fmadd_ps(LOAD(w2 + i + 16), a1, _mm512_fmadd_ps(LOAD(w2 + i), a0, c2));                 \
      c3 = _mm512_fmadd_ps(LOAD(w3 + i + 16), a1, _mm512_fmadd_ps(LOAD(w3 + i), a0, c3));                 \
    }                                                                                                      \
    return _mm512_reduce_add_ps(c0) + _mm512_reduce_add_ps(c1) + _mm512_reduce_add_ps(c2) + _mm512_reduce_add_ps(c3); \
  }
FOUR_ROWS(int4rows, widen)
FOUR_ROWS(cvt4rows, cvt)

#ifdef __AVX512FP16__
static float ph1row(const uint16_t *w, const _Float16 *a) {
  __m512h c0 = _mm512_setzero_ph(), c1 = c0, c2 = c0, c3 = c0;
  for (int i = 0; i < COLS; i += 128) {
    c0 = _mm512_fmadd_ph(_mm512_loadu_ph(w + i), _mm512_loadu_ph(a + i), c0);
    c1 = _mm512_fmadd_ph(_mm512_loadu_ph(w + i + 32), _mm512_loadu_ph(a + i + 32), c1);
    c2 = _mm512_fmadd_ph(_mm512_loadu_ph(w + i + 64), _mm512_loadu_ph(a + i + 64), c2);
    c3 = _mm512_fmadd_ph(_mm512_loadu_ph(w + i + 96), _mm512_loadu_ph(a + i + 96), c3);
  }
  return (float)_mm512_reduce_add_ph(_mm512_add_ph(_mm512_add_ph(c0, c1), _mm512_add_ph(c2, c3)));
}
enum { LOOPS = 4 };
#else
enum { LOOPS = 3 };
#endif

int main(int argc, char **argv) {
  if (argc < 2) { fprintf(stderr, "usage: f16-stream MODEL.gguf [PASSES] < offsets\n"); return 1; }
  int fd = open(argv[1], O_RDONLY);
  if (fd < 0) { perror(argv[1]); return 1; }
  off_t size = lseek(fd, 0, SEEK_END);
  const uint8_t *base = mmap(0, size, PROT_READ, MAP_SHARED, fd, 0);
  if (base == MAP_FAILED) { perror("mmap"); return 1; }
  int passes = argc > 2 ? atoi(argv[2]) : 6;
  long offs[1024], rows[1024];
  int m = 0;
  double bytes = 0;
  while (m < 1024 && scanf("%ld %ld", &offs[m], &rows[m]) == 2) {
    if (rows[m] % PIECE == 0) { bytes += rows[m] * 2.0 * COLS; m++; }
  }
  float *a = aligned_alloc(64, COLS * sizeof(float)), sink = 0;
  for (int i = 0; i < COLS; i++) a[i] = (float)rand() / RAND_MAX;
#ifdef __AVX512FP16__
  _Float16 *ah = aligned_alloc(64, COLS * sizeof(_Float16));
  for (int i = 0; i < COLS; i++) ah[i] = (_Float16)a[i];
#endif
  const char *names[] = {"cvt1row", "int4rows", "cvt4rows", "ph1row"};
  for (int pass = 0; pass < passes; pass++) {
    printf("pass %d:", pass);
    for (int v = 0; v < LOOPS; v++) {
      double t0 = now();
      for (int k = 0; k < m; k++)
        for (long r0 = 0; r0 < rows[k]; r0 += PIECE) {
          const uint16_t *p = (const uint16_t *)(base + offs[k]) + r0 * COLS;
          if (v == 0) for (int r = 0; r < PIECE; r++) sink += cvt1row(p + r * COLS, a);
#ifdef __AVX512FP16__
          else if (v == 3) for (int r = 0; r < PIECE; r++) sink += ph1row(p + r * COLS, ah);
#endif
          else for (int r = 0; r < PIECE / 4; r++) sink += v == 1 ? int4rows(p + r * COLS, a) : cvt4rows(p + r * COLS, a);
        }
      printf("  %s %.2f GB/s", names[v], bytes / (now() - t0) / 1e9);
    }
    printf("\n");
  }
  fprintf(stderr, "(sink %g)\n", sink);
  return 0;
}
