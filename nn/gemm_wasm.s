#include "textflag.h"

// func gemmTwoRowsWasm(c, a, b *float64, n4, k, p, ars, acs int)
//
// Rows 0 and 1 of C (row stride p) += A·B for n4 blocks of four columns:
// row i of A at a + i·ars, its element j at + j·acs; row j of B at
// b + j·p. Each block's eight sums are held in F16–F23 while j runs from 0
// to k-1 (k ≥ 1, n4 ≥ 1), and each product is rounded (F64Mul) before it
// is added (F64Add): the order of gemmTwoRowsGo, so the same bits. The
// strides are in elements; the Go caller checks every address is inside
// its slice. F0–F15 are float32 locals in Go's wasm assembler, F16–F31
// float64 ones.
//
// R0 C block row 0, R11 C block row 1, R1 B block, R2 blocks left,
// R3 k, R4 p·8, R5 ars·8, R6 acs·8, R7 A row 0, R8 steps left,
// R9 A walk, R10 B walk; F24, F25 the two A values, F26–F29 the four B.
TEXT ·gemmTwoRowsWasm(SB), NOSPLIT, $0-64
	MOVD c+0(FP), R0
	MOVD a+8(FP), R7
	MOVD b+16(FP), R1
	MOVD n4+24(FP), R2
	MOVD k+32(FP), R3
	MOVD p+40(FP), R4
	MOVD ars+48(FP), R5
	MOVD acs+56(FP), R6
	Get R4
	I64Const $3
	I64Shl
	Set R4
	Get R5
	I64Const $3
	I64Shl
	Set R5
	Get R6
	I64Const $3
	I64Shl
	Set R6

	Loop
		// Load the block's eight sums.
		Get R0
		Get R4
		I64Add
		Set R11
		Get R0
		I32WrapI64
		F64Load $0
		Set F16
		Get R0
		I32WrapI64
		F64Load $8
		Set F17
		Get R0
		I32WrapI64
		F64Load $16
		Set F18
		Get R0
		I32WrapI64
		F64Load $24
		Set F19
		Get R11
		I32WrapI64
		F64Load $0
		Set F20
		Get R11
		I32WrapI64
		F64Load $8
		Set F21
		Get R11
		I32WrapI64
		F64Load $16
		Set F22
		Get R11
		I32WrapI64
		F64Load $24
		Set F23
		Get R7
		Set R9
		Get R1
		Set R10
		Get R3
		Set R8

		Loop
			Get R9
			I32WrapI64
			F64Load $0
			Set F24
			Get R9
			Get R5
			I64Add
			I32WrapI64
			F64Load $0
			Set F25
			Get R10
			I32WrapI64
			F64Load $0
			Set F26
			Get R10
			I32WrapI64
			F64Load $8
			Set F27
			Get R10
			I32WrapI64
			F64Load $16
			Set F28
			Get R10
			I32WrapI64
			F64Load $24
			Set F29
			Get F16
			Get F24
			Get F26
			F64Mul
			F64Add
			Set F16
			Get F17
			Get F24
			Get F27
			F64Mul
			F64Add
			Set F17
			Get F18
			Get F24
			Get F28
			F64Mul
			F64Add
			Set F18
			Get F19
			Get F24
			Get F29
			F64Mul
			F64Add
			Set F19
			Get F20
			Get F25
			Get F26
			F64Mul
			F64Add
			Set F20
			Get F21
			Get F25
			Get F27
			F64Mul
			F64Add
			Set F21
			Get F22
			Get F25
			Get F28
			F64Mul
			F64Add
			Set F22
			Get F23
			Get F25
			Get F29
			F64Mul
			F64Add
			Set F23
			Get R9
			Get R6
			I64Add
			Set R9
			Get R10
			Get R4
			I64Add
			Set R10
			Get R8
			I64Const $1
			I64Sub
			Tee R8
			I64Const $0
			I64Ne
			BrIf $0
		End

		// Store the sums and move to the next block of four columns.
		Get R0
		I32WrapI64
		Get F16
		F64Store $0
		Get R0
		I32WrapI64
		Get F17
		F64Store $8
		Get R0
		I32WrapI64
		Get F18
		F64Store $16
		Get R0
		I32WrapI64
		Get F19
		F64Store $24
		Get R11
		I32WrapI64
		Get F20
		F64Store $0
		Get R11
		I32WrapI64
		Get F21
		F64Store $8
		Get R11
		I32WrapI64
		Get F22
		F64Store $16
		Get R11
		I32WrapI64
		Get F23
		F64Store $24
		Get R0
		I64Const $32
		I64Add
		Set R0
		Get R1
		I64Const $32
		I64Add
		Set R1
		Get R2
		I64Const $1
		I64Sub
		Tee R2
		I64Const $0
		I64Ne
		BrIf $0
	End
	RET
