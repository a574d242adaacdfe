//go:build !purego

#include "textflag.h"

// func gemm4x8AVX(c *float64, ldc int, a *float64, ars, acs int, b *float64, ldb int, k, blocks int, src *float64, lds int)
//
// For each of `blocks` column blocks of 8,
// C[0:4, 8j:8j+8] = S[0:4, 8j:8j+8] + A[0:4, 0:k] · B[0:k, 8j:8j+8].
// C, B and S are row-major with row strides ldc, ldb and lds (elements; lds
// may be 0 to start every row from one bias row, and S may be C itself);
// A's element (r, j) is at a[r*ars + j*acs]. k ≥ 1, blocks ≥ 1.
TEXT ·gemm4x8AVX(SB), NOSPLIT, $0-88
	MOVQ c+0(FP), DX
	MOVQ ldc+8(FP), R10
	SHLQ $3, R10
	MOVQ ars+24(FP), R8
	SHLQ $3, R8
	LEAQ (R8)(R8*2), R9 // 3·ars in bytes
	MOVQ acs+32(FP), R11
	SHLQ $3, R11
	MOVQ b+40(FP), BX
	MOVQ ldb+48(FP), R12
	SHLQ $3, R12
	MOVQ blocks+64(FP), R13
	LEAQ (R10)(R10*2), R14 // 3·ldc in bytes
	MOVQ src+72(FP), AX

block:
	// Start Y0..Y7, two registers per row, from the 4×8 block of S.
	MOVQ lds+80(FP), DI
	SHLQ $3, DI
	LEAQ (DI)(DI*2), CX
	VMOVUPD (AX), Y0
	VMOVUPD 32(AX), Y1
	VMOVUPD (AX)(DI*1), Y2
	VMOVUPD 32(AX)(DI*1), Y3
	VMOVUPD (AX)(DI*2), Y4
	VMOVUPD 32(AX)(DI*2), Y5
	VMOVUPD (AX)(CX*1), Y6
	VMOVUPD 32(AX)(CX*1), Y7
	MOVQ a+16(FP), SI
	MOVQ BX, DI
	MOVQ k+56(FP), CX

loop:
	VMOVUPD (DI), Y8
	VMOVUPD 32(DI), Y9
	VBROADCASTSD (SI), Y10
	VFMADD231PD Y8, Y10, Y0
	VFMADD231PD Y9, Y10, Y1
	VBROADCASTSD (SI)(R8*1), Y11
	VFMADD231PD Y8, Y11, Y2
	VFMADD231PD Y9, Y11, Y3
	VBROADCASTSD (SI)(R8*2), Y12
	VFMADD231PD Y8, Y12, Y4
	VFMADD231PD Y9, Y12, Y5
	VBROADCASTSD (SI)(R9*1), Y13
	VFMADD231PD Y8, Y13, Y6
	VFMADD231PD Y9, Y13, Y7
	ADDQ R11, SI
	ADDQ R12, DI
	DECQ CX
	JNZ  loop

	VMOVUPD Y0, (DX)
	VMOVUPD Y1, 32(DX)
	VMOVUPD Y2, (DX)(R10*1)
	VMOVUPD Y3, 32(DX)(R10*1)
	VMOVUPD Y4, (DX)(R10*2)
	VMOVUPD Y5, 32(DX)(R10*2)
	VMOVUPD Y6, (DX)(R14*1)
	VMOVUPD Y7, 32(DX)(R14*1)
	ADDQ $64, DX
	ADDQ $64, AX
	ADDQ $64, BX
	DECQ R13
	JNZ  block
	VZEROUPPER
	RET

// func gemm1x8AVX(c *float64, a *float64, acs int, b *float64, ldb int, k, blocks int, src *float64)
//
// One row: C[0, 8j:8j+8] = S[0, 8j:8j+8] + Σ_j a[j*acs] · B[j, 8j:8j+8], with
// the sum over k split over two accumulator pairs to halve the dependency
// chains. S may be C itself.
TEXT ·gemm1x8AVX(SB), NOSPLIT, $0-64
	MOVQ c+0(FP), DX
	MOVQ acs+16(FP), R11
	SHLQ $3, R11
	MOVQ b+24(FP), BX
	MOVQ ldb+32(FP), R12
	SHLQ $3, R12
	MOVQ blocks+48(FP), R13
	MOVQ src+56(FP), AX

block1:
	VMOVUPD (AX), Y0
	VMOVUPD 32(AX), Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	MOVQ a+8(FP), SI
	MOVQ BX, DI
	MOVQ k+40(FP), CX
	SHRQ $1, CX
	JZ   tail1

pair1:
	VBROADCASTSD (SI), Y10
	VFMADD231PD (DI), Y10, Y0
	VFMADD231PD 32(DI), Y10, Y1
	ADDQ R11, SI
	ADDQ R12, DI
	VBROADCASTSD (SI), Y11
	VFMADD231PD (DI), Y11, Y2
	VFMADD231PD 32(DI), Y11, Y3
	ADDQ R11, SI
	ADDQ R12, DI
	DECQ CX
	JNZ  pair1

tail1:
	MOVQ k+40(FP), CX
	ANDQ $1, CX
	JZ   done1
	VBROADCASTSD (SI), Y10
	VFMADD231PD (DI), Y10, Y0
	VFMADD231PD 32(DI), Y10, Y1

done1:
	VADDPD Y2, Y0, Y0
	VADDPD Y3, Y1, Y1
	VMOVUPD Y0, (DX)
	VMOVUPD Y1, 32(DX)
	ADDQ $64, DX
	ADDQ $64, AX
	ADDQ $64, BX
	DECQ R13
	JNZ  block1
	VZEROUPPER
	RET

// func gemm6x8AVX(c *float64, ldc int, a *float64, ars, acs int, b *float64, ldb int, k, blocks int, src *float64, lds int)
//
// gemm4x8AVX for six rows of C: twelve accumulators instead of eight, so
// the two FMA pipes (latency 4 cycles on Zen 3) always have independent
// work and each load of B feeds six FMAs instead of four. Every element of
// C is still S plus the FMAs over k in order, so the result is bit for bit
// that of gemm4x8AVX on the same rows.
TEXT ·gemm6x8AVX(SB), NOSPLIT, $0-88
	MOVQ c+0(FP), DX
	MOVQ ldc+8(FP), R10
	SHLQ $3, R10
	MOVQ ars+24(FP), R8
	SHLQ $3, R8
	LEAQ (R8)(R8*2), R9 // 3·ars in bytes
	MOVQ acs+32(FP), R11
	SHLQ $3, R11
	MOVQ b+40(FP), BX
	MOVQ ldb+48(FP), R12
	SHLQ $3, R12
	MOVQ blocks+64(FP), R13
	MOVQ src+72(FP), AX

block6:
	// Start Y0..Y11, two registers per row, from the 6×8 block of S.
	MOVQ lds+80(FP), DI
	SHLQ $3, DI
	VMOVUPD (AX), Y0
	VMOVUPD 32(AX), Y1
	VMOVUPD (AX)(DI*1), Y2
	VMOVUPD 32(AX)(DI*1), Y3
	VMOVUPD (AX)(DI*2), Y4
	VMOVUPD 32(AX)(DI*2), Y5
	LEAQ (AX)(DI*2), CX
	ADDQ DI, CX // row 3 of S
	VMOVUPD (CX), Y6
	VMOVUPD 32(CX), Y7
	VMOVUPD (CX)(DI*1), Y8
	VMOVUPD 32(CX)(DI*1), Y9
	VMOVUPD (CX)(DI*2), Y10
	VMOVUPD 32(CX)(DI*2), Y11
	MOVQ a+16(FP), SI
	LEAQ (SI)(R9*1), R14 // row 3 of A
	MOVQ BX, DI
	MOVQ k+56(FP), CX

loop6:
	VMOVUPD (DI), Y12
	VMOVUPD 32(DI), Y13
	VBROADCASTSD (SI), Y14
	VFMADD231PD Y12, Y14, Y0
	VFMADD231PD Y13, Y14, Y1
	VBROADCASTSD (SI)(R8*1), Y15
	VFMADD231PD Y12, Y15, Y2
	VFMADD231PD Y13, Y15, Y3
	VBROADCASTSD (SI)(R8*2), Y14
	VFMADD231PD Y12, Y14, Y4
	VFMADD231PD Y13, Y14, Y5
	VBROADCASTSD (R14), Y15
	VFMADD231PD Y12, Y15, Y6
	VFMADD231PD Y13, Y15, Y7
	VBROADCASTSD (R14)(R8*1), Y14
	VFMADD231PD Y12, Y14, Y8
	VFMADD231PD Y13, Y14, Y9
	VBROADCASTSD (R14)(R8*2), Y15
	VFMADD231PD Y12, Y15, Y10
	VFMADD231PD Y13, Y15, Y11
	ADDQ R11, SI
	ADDQ R11, R14
	ADDQ R12, DI
	DECQ CX
	JNZ  loop6

	VMOVUPD Y0, (DX)
	VMOVUPD Y1, 32(DX)
	VMOVUPD Y2, (DX)(R10*1)
	VMOVUPD Y3, 32(DX)(R10*1)
	VMOVUPD Y4, (DX)(R10*2)
	VMOVUPD Y5, 32(DX)(R10*2)
	LEAQ (DX)(R10*2), SI
	ADDQ R10, SI // row 3 of C
	VMOVUPD Y6, (SI)
	VMOVUPD Y7, 32(SI)
	VMOVUPD Y8, (SI)(R10*1)
	VMOVUPD Y9, 32(SI)(R10*1)
	VMOVUPD Y10, (SI)(R10*2)
	VMOVUPD Y11, 32(SI)(R10*2)
	ADDQ $64, DX
	ADDQ $64, AX
	ADDQ $64, BX
	DECQ R13
	JNZ  block6
	VZEROUPPER
	RET
