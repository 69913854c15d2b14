// Golden dot products and activation encodings from ggml itself (built by make.sh against the
// reference llama.cpp build). For every sampled weight row (the llama-quantize bytes in <type>.bin,
// or source.f32 for F32) the activation is the next source row of the same tensor sample; it is
// encoded with ggml's reference encoder for the type's vec_dot_type and multiplied with the CPU
// backend's own vec_dot. Writes act_q8_0.bin, act_q8_1.bin, act_q8_k.bin (every sampled row encoded)
// and dot_<type>.f32 (one float per row).
// usage: golden_dots DIR ROWSxCOLS... TYPE...   e.g. golden_dots . 16x256 4x512 q4_0 q6_k f32
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include "ggml.h"
#include "ggml-cpu.h"

void quantize_row_q8_0_ref(const float * x, void * y, int64_t k);
void quantize_row_q8_1_ref(const float * x, void * y, int64_t k);
void quantize_row_q8_K_ref(const float * x, void * y, int64_t k);
void ggml_fp32_to_bf16_row_ref(const float * x, ggml_bf16_t * y, int64_t n);

static void * slurp(const char * dir, const char * name, size_t * size) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE * f = fopen(path, "rb");
    if (!f) { perror(path); exit(1); }
    fseek(f, 0, SEEK_END); *size = ftell(f); fseek(f, 0, SEEK_SET);
    void * p = malloc(*size);
    if (fread(p, 1, *size, f) != *size) { perror(path); exit(1); }
    fclose(f);
    return p;
}

static void spill(const char * dir, const char * name, const void * p, size_t size) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE * f = fopen(path, "wb");
    if (!f || fwrite(p, 1, size, f) != size) { perror(path); exit(1); }
    fclose(f);
}

// ggml's reference encoding of n floats as `type`
static void encode(enum ggml_type type, const float * x, void * y, int n) {
    switch (type) {
        case GGML_TYPE_Q8_0: quantize_row_q8_0_ref(x, y, n); break;
        case GGML_TYPE_Q8_1: quantize_row_q8_1_ref(x, y, n); break;
        case GGML_TYPE_Q8_K: quantize_row_q8_K_ref(x, y, n); break;
        case GGML_TYPE_F16:  ggml_fp32_to_fp16_row(x, y, n); break;
        case GGML_TYPE_BF16: ggml_fp32_to_bf16_row_ref(x, y, n); break;
        case GGML_TYPE_F32:  memcpy(y, x, sizeof(float) * n); break;
        default: fprintf(stderr, "no encoder for %s\n", ggml_type_name(type)); exit(1);
    }
}

int main(int argc, char ** argv) {
    ggml_cpu_init();
    const char * dir = argv[1];
    int nseg = 0, rows[16], cols[16];
    int arg = 2;
    for (; arg < argc && strchr(argv[arg], 'x'); arg++, nseg++) sscanf(argv[arg], "%dx%d", &rows[nseg], &cols[nseg]);
    size_t srcSize;
    float * src = slurp(dir, "source.f32", &srcSize);
    size_t total = srcSize / sizeof(float);

    // activation row for sampled row r of segment s: the next row of the same segment
    float * act = malloc(srcSize);
    size_t pos = 0;
    for (int s = 0; s < nseg; s++) {
        for (int r = 0; r < rows[s]; r++) {
            memcpy(act + pos + (size_t) r * cols[s], src + pos + (size_t) ((r + 1) % rows[s]) * cols[s], sizeof(float) * cols[s]);
        }
        pos += (size_t) rows[s] * cols[s];
    }
    enum ggml_type acts[] = {GGML_TYPE_Q8_0, GGML_TYPE_Q8_1, GGML_TYPE_Q8_K};
    const char * actNames[] = {"act_q8_0.bin", "act_q8_1.bin", "act_q8_k.bin"};
    for (int t = 0; t < 3; t++) {
        size_t bytes = ggml_row_size(acts[t], total);
        // zeroed: for an all-zero block quantize_row_q8_K_ref writes d and qs but leaves bsums as they were
        void * out = calloc(1, bytes);
        size_t p = 0, o = 0;
        for (int s = 0; s < nseg; s++) {
            for (int r = 0; r < rows[s]; r++) {
                encode(acts[t], act + p, (char *) out + o, cols[s]);
                p += cols[s];
                o += ggml_row_size(acts[t], cols[s]);
            }
        }
        spill(dir, actNames[t], out, bytes);
        free(out);
    }

    for (; arg < argc; arg++) {
        const char * name = argv[arg];
        enum ggml_type type = GGML_TYPE_COUNT;
        for (int t = 0; t < GGML_TYPE_COUNT; t++) {
            const char * tn = ggml_type_name((enum ggml_type) t);
            if (tn && strcasecmp(tn, name) == 0) type = (enum ggml_type) t;
        }
        if (type == GGML_TYPE_COUNT) { fprintf(stderr, "unknown type %s\n", name); return 1; }
        const struct ggml_type_traits_cpu * traits = ggml_get_type_traits_cpu(type);
        char file[256];
        snprintf(file, sizeof file, "%s.bin", name);
        size_t wSize;
        const char * w = type == GGML_TYPE_F32 ? (const char *) src : slurp(dir, file, &wSize);
        float * dots = malloc(sizeof(float) * 1024);
        int nd = 0;
        size_t p = 0, wo = 0;
        void * arow = malloc(ggml_row_size(GGML_TYPE_F32, 4096));
        for (int s = 0; s < nseg; s++) {
            for (int r = 0; r < rows[s]; r++) {
                encode(traits->vec_dot_type, act + p, arow, cols[s]);
                float result;
                traits->vec_dot(cols[s], &result, 0, w + wo, 0, arow, 0, 1);
                dots[nd++] = result;
                p += cols[s];
                wo += ggml_row_size(type, cols[s]);
            }
        }
        snprintf(file, sizeof file, "dot_%s.f32", name);
        spill(dir, file, dots, sizeof(float) * nd);
    }
    return 0;
}
