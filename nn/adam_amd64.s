//go:build !purego

#include "textflag.h"

// func adamAVX(p, gr, m, v *float64, n int, c *[7]float64)
//
// One Adam step over n (a positive multiple of 4) parameters, with
// c = {β1, 1−β1, β2, 1−β2, lr/(1−β1ᵗ), 1/√(1−β2ᵗ), ε}:
// m = β1·m + (1−β1)·g; v = β2·v + (1−β2)·g²; p −= c4·m/(√v·c5 + ε).
TEXT ·adamAVX(SB), NOSPLIT, $0-48
	MOVQ p+0(FP), DI
	MOVQ gr+8(FP), SI
	MOVQ m+16(FP), R8
	MOVQ v+24(FP), R9
	MOVQ n+32(FP), CX
	SHRQ $2, CX
	MOVQ c+40(FP), AX
	VBROADCASTSD 0(AX), Y8
	VBROADCASTSD 8(AX), Y9
	VBROADCASTSD 16(AX), Y10
	VBROADCASTSD 24(AX), Y11
	VBROADCASTSD 32(AX), Y12
	VBROADCASTSD 40(AX), Y13
	VBROADCASTSD 48(AX), Y14

loop:
	VMOVUPD (SI), Y0
	VMULPD (R8), Y8, Y1
	VFMADD231PD Y9, Y0, Y1 // m
	VMULPD Y0, Y0, Y3
	VMULPD (R9), Y10, Y2
	VFMADD231PD Y11, Y3, Y2 // v
	VMOVUPD Y1, (R8)
	VMOVUPD Y2, (R9)
	VSQRTPD Y2, Y4
	VFMADD213PD Y14, Y13, Y4 // √v·c5 + ε
	VMULPD Y12, Y1, Y5
	VDIVPD Y4, Y5, Y5
	VMOVUPD (DI), Y6
	VSUBPD Y5, Y6, Y6
	VMOVUPD Y6, (DI)
	ADDQ $32, DI
	ADDQ $32, SI
	ADDQ $32, R8
	ADDQ $32, R9
	DECQ CX
	JNZ  loop
	VZEROUPPER
	RET
