//go:build !purego

#include "textflag.h"

// func tanhGradAVX(d, y *float64, n int)
//
// d[i] *= 1 − y[i]² for n a positive multiple of 4, as d − d·y², which
// needs one multiply and one fused multiply-add.
TEXT ·tanhGradAVX(SB), NOSPLIT, $0-24
	MOVQ d+0(FP), DI
	MOVQ y+8(FP), SI
	MOVQ n+16(FP), CX
	SHRQ $2, CX

loop:
	VMOVUPD (SI), Y0
	VMULPD Y0, Y0, Y0
	VMOVUPD (DI), Y1
	VFNMADD231PD Y0, Y1, Y1
	VMOVUPD Y1, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	DECQ CX
	JNZ  loop
	VZEROUPPER
	RET

// func colSumAVX(dst, x *float64, n, p int)
//
// dst[j] += Σ_r x[r*p+j] for the n×p row-major x, p a positive multiple of
// 8 and n ≥ 1: the bias gradient of a dense layer.
TEXT ·colSumAVX(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), BX
	MOVQ p+24(FP), R8
	SHLQ $3, R8
	MOVQ R8, R9
	SHRQ $6, R9 // column blocks of 8

block:
	VMOVUPD (DI), Y0
	VMOVUPD 32(DI), Y1
	MOVQ BX, SI
	MOVQ n+16(FP), CX

rows:
	VADDPD (SI), Y0, Y0
	VADDPD 32(SI), Y1, Y1
	ADDQ R8, SI
	DECQ CX
	JNZ  rows
	VMOVUPD Y0, (DI)
	VMOVUPD Y1, 32(DI)
	ADDQ $64, DI
	ADDQ $64, BX
	DECQ R9
	JNZ  block
	VZEROUPPER
	RET
