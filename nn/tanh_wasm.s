#include "textflag.h"

// func tanhSliceWasm(y *float64, n int)
//
// Replaces each of the n ≥ 1 float64s at y by tanhGo of it, with
// tanhSliceGo's operations in its order (no fused or reassociated step:
// WebAssembly has none), so the same bits. A leaf with no calls, so it
// runs without the block dispatch Go's wasm back end emits in every loop
// iteration. The F64Const values are those of tanh.go's constants,
// checked by TestTanhWasmConstants. F0–F15 are float32 locals in Go's wasm
// assembler, F16–F31 float64 ones.
//
// R0 the element, R1 elements left; F16 x, F17 a, F18 t, F19 kd, F20 k,
// F21 r, F22 r2, F23 r4, F24 p, F25 e.
TEXT ·tanhSliceWasm(SB), NOSPLIT, $0-16
	MOVD y+0(FP), R0
	MOVD n+8(FP), R1

	Loop
		Block
			Get R0
			I32WrapI64
			F64Load $0
			Tee F16
			F64Abs
			Tee F17
			// tanh(NaN) is x itself: leave the element.
			Get F17
			F64Ne
			BrIf $0
			Get F17
			F64Const $20.0
			F64Gt
			If
				F64Const $20.0
				Set F17
			End

			// t = 2·a; kd = t·(1/ln2) + shifter; k = kd − shifter.
			F64Const $2.0
			Get F17
			F64Mul
			Tee F18
			F64Const $1.4426950408889634 // 1/ln2
			F64Mul
			F64Const $6755399441055744.0 // shifter
			F64Add
			Tee F19
			F64Const $6755399441055744.0 // shifter
			F64Sub
			Set F20

			// r = t − k·ln2Hi; r −= k·ln2Lo; r2 = r·r; r4 = r2·r2.
			Get F18
			Get F20
			F64Const $0.6931471803691238 // ln2Hi
			F64Mul
			F64Sub
			Get F20
			F64Const $1.9082149292705877e-10 // ln2Lo
			F64Mul
			F64Sub
			Tee F21
			Get F21
			F64Mul
			Tee F22
			Get F22
			F64Mul
			Set F23

			// p = (1+r) + (c2+c3·r)·r2
			F64Const $1.0
			Get F21
			F64Add
			F64Const $0.5 // c2
			F64Const $0.16666666666666666 // c3
			Get F21
			F64Mul
			F64Add
			Get F22
			F64Mul
			F64Add
			// + ((c4+c5·r) + (c6+c7·r)·r2)·r4
			F64Const $0.041666666666666664 // c4
			F64Const $0.008333333333333333 // c5
			Get F21
			F64Mul
			F64Add
			F64Const $0.001388888888888889 // c6
			F64Const $0.0001984126984126984 // c7
			Get F21
			F64Mul
			F64Add
			Get F22
			F64Mul
			F64Add
			Get F23
			F64Mul
			F64Add
			// + (((c8+c9·r) + (c10+c11·r)·r2) + (c12+c13·r)·r4)·(r4·r4)
			F64Const $2.48015873015873e-05 // c8
			F64Const $2.7557319223985893e-06 // c9
			Get F21
			F64Mul
			F64Add
			F64Const $2.755731922398589e-07 // c10
			F64Const $2.505210838544172e-08 // c11
			Get F21
			F64Mul
			F64Add
			Get F22
			F64Mul
			F64Add
			F64Const $2.08767569878681e-09 // c12
			F64Const $1.6059043836821613e-10 // c13
			Get F21
			F64Mul
			F64Add
			Get F23
			F64Mul
			F64Add
			Get F23
			Get F23
			F64Mul
			F64Mul
			F64Add
			Set F24

			// e = p · Float64frombits(Float64bits(kd)<<52 + 0x3ff0000000000000)
			Get F24
			Get F19
			I64ReinterpretF64
			I64Const $52
			I64Shl
			I64Const $0x3ff0000000000000
			I64Add
			F64ReinterpretI64
			F64Mul
			Set F25

			// y = Copysign(1 − 2/(e+1), x)
			Get R0
			I32WrapI64
			F64Const $1.0
			F64Const $2.0
			Get F25
			F64Const $1.0
			F64Add
			F64Div
			F64Sub
			Get F16
			F64Copysign
			F64Store $0
		End

		Get R0
		I64Const $8
		I64Add
		Set R0
		Get R1
		I64Const $1
		I64Sub
		Tee R1
		I64Const $0
		I64Ne
		BrIf $0
	End
	RET
