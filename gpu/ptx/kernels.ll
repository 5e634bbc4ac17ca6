; Elementwise, reduction and GEMM kernels for gotensor's gpu package, in LLVM IR for the NVPTX
; backend. kernels.ptx is generated from this file (see gpu/kernels.go's go:generate line):
;   llc -O3 -march=nvptx64 -mcpu=sm_50 kernels.ll -o kernels.ptx
; sm_50 PTX is JIT-compiled by the driver for whatever newer GPU runs it.
;
; Every kernel takes its element count as i64 and walks it with a grid-stride loop, so any
; launch shape covers any n. Pointers may alias (out == a is an in-place op).

target datalayout = "e-i64:64-i128:128-v16:16-v32:32-n16:32:64"
target triple = "nvptx64-nvidia-cuda"

declare i32 @llvm.nvvm.read.ptx.sreg.tid.x()
declare i32 @llvm.nvvm.read.ptx.sreg.tid.y()
declare i32 @llvm.nvvm.read.ptx.sreg.ctaid.y()
declare i32 @llvm.nvvm.read.ptx.sreg.ntid.y()
declare i32 @llvm.nvvm.read.ptx.sreg.ntid.x()
declare i32 @llvm.nvvm.read.ptx.sreg.ctaid.x()
declare i32 @llvm.nvvm.read.ptx.sreg.nctaid.x()
declare void @llvm.nvvm.barrier0()

; out[i] = a[i] + b[i] for i < n
define void @add_f32(float addrspace(1)* %a, float addrspace(1)* %b, float addrspace(1)* %out, i64 %n) {
entry:
  %tid = call i32 @llvm.nvvm.read.ptx.sreg.tid.x()
  %ntid = call i32 @llvm.nvvm.read.ptx.sreg.ntid.x()
  %ctaid = call i32 @llvm.nvvm.read.ptx.sreg.ctaid.x()
  %nctaid = call i32 @llvm.nvvm.read.ptx.sreg.nctaid.x()
  %blk = mul i32 %ctaid, %ntid
  %first32 = add i32 %blk, %tid
  %first = zext i32 %first32 to i64
  %stride32 = mul i32 %ntid, %nctaid
  %stride = zext i32 %stride32 to i64
  %any = icmp ult i64 %first, %n
  br i1 %any, label %loop, label %exit

loop:
  %i = phi i64 [ %first, %entry ], [ %next, %loop ]
  %pa = getelementptr float, float addrspace(1)* %a, i64 %i
  %pb = getelementptr float, float addrspace(1)* %b, i64 %i
  %po = getelementptr float, float addrspace(1)* %out, i64 %i
  %va = load float, float addrspace(1)* %pa, align 4
  %vb = load float, float addrspace(1)* %pb, align 4
  %r = fadd float %va, %vb
  store float %r, float addrspace(1)* %po, align 4
  %next = add i64 %i, %stride
  %more = icmp ult i64 %next, %n
  br i1 %more, label %loop, label %exit

exit:
  ret void
}

; out[i] = a[i] * b[i] for i < n
define void @mul_f32(float addrspace(1)* %a, float addrspace(1)* %b, float addrspace(1)* %out, i64 %n) {
entry:
  %tid = call i32 @llvm.nvvm.read.ptx.sreg.tid.x()
  %ntid = call i32 @llvm.nvvm.read.ptx.sreg.ntid.x()
  %ctaid = call i32 @llvm.nvvm.read.ptx.sreg.ctaid.x()
  %nctaid = call i32 @llvm.nvvm.read.ptx.sreg.nctaid.x()
  %blk = mul i32 %ctaid, %ntid
  %first32 = add i32 %blk, %tid
  %first = zext i32 %first32 to i64
  %stride32 = mul i32 %ntid, %nctaid
  %stride = zext i32 %stride32 to i64
  %any = icmp ult i64 %first, %n
  br i1 %any, label %loop, label %exit

loop:
  %i = phi i64 [ %first, %entry ], [ %next, %loop ]
  %pa = getelementptr float, float addrspace(1)* %a, i64 %i
  %pb = getelementptr float, float addrspace(1)* %b, i64 %i
  %po = getelementptr float, float addrspace(1)* %out, i64 %i
  %va = load float, float addrspace(1)* %pa, align 4
  %vb = load float, float addrspace(1)* %pb, align 4
  %r = fmul float %va, %vb
  store float %r, float addrspace(1)* %po, align 4
  %next = add i64 %i, %stride
  %more = icmp ult i64 %next, %n
  br i1 %more, label %loop, label %exit

exit:
  ret void
}

@partial = internal addrspace(3) global [256 x float] undef, align 4

; *out += sum(in[0:n]). Each block reduces its grid-stride partial sums in shared memory and
; adds the block's total to *out atomically; the caller zeroes *out first. The block size must
; be a power of two no larger than 256. The summation order depends on the launch shape and on
; the order of the atomic adds, so results may differ from a sequential sum in the last bits.
define void @sum_f32(float addrspace(1)* %in, float addrspace(1)* %out, i64 %n) {
entry:
  %tid = call i32 @llvm.nvvm.read.ptx.sreg.tid.x()
  %ntid = call i32 @llvm.nvvm.read.ptx.sreg.ntid.x()
  %ctaid = call i32 @llvm.nvvm.read.ptx.sreg.ctaid.x()
  %nctaid = call i32 @llvm.nvvm.read.ptx.sreg.nctaid.x()
  %blk = mul i32 %ctaid, %ntid
  %first32 = add i32 %blk, %tid
  %first = zext i32 %first32 to i64
  %stride32 = mul i32 %ntid, %nctaid
  %stride = zext i32 %stride32 to i64
  %any = icmp ult i64 %first, %n
  br i1 %any, label %loop, label %store

loop:
  %i = phi i64 [ %first, %entry ], [ %next, %loop ]
  %acc = phi float [ 0.0, %entry ], [ %acc.next, %loop ]
  %p = getelementptr float, float addrspace(1)* %in, i64 %i
  %v = load float, float addrspace(1)* %p, align 4
  %acc.next = fadd float %acc, %v
  %next = add i64 %i, %stride
  %more = icmp ult i64 %next, %n
  br i1 %more, label %loop, label %store

store:
  %mine = phi float [ 0.0, %entry ], [ %acc.next, %loop ]
  %slot = getelementptr [256 x float], [256 x float] addrspace(3)* @partial, i32 0, i32 %tid
  store float %mine, float addrspace(3)* %slot, align 4
  call void @llvm.nvvm.barrier0()
  %half = lshr i32 %ntid, 1
  br label %tree

tree:
  %s = phi i32 [ %half, %store ], [ %s.next, %step.done ]
  %go = icmp ugt i32 %s, 0
  br i1 %go, label %step, label %done

step:
  %lower = icmp ult i32 %tid, %s
  br i1 %lower, label %step.add, label %step.done

step.add:
  %j = add i32 %tid, %s
  %pj = getelementptr [256 x float], [256 x float] addrspace(3)* @partial, i32 0, i32 %j
  %vj = load float, float addrspace(3)* %pj, align 4
  %vi = load float, float addrspace(3)* %slot, align 4
  %vs = fadd float %vi, %vj
  store float %vs, float addrspace(3)* %slot, align 4
  br label %step.done

step.done:
  call void @llvm.nvvm.barrier0()
  %s.next = lshr i32 %s, 1
  br label %tree

done:
  %leader = icmp eq i32 %tid, 0
  br i1 %leader, label %publish, label %exit

publish:
  %p0 = getelementptr [256 x float], [256 x float] addrspace(3)* @partial, i32 0, i32 0
  %total = load float, float addrspace(3)* %p0, align 4
  %old = atomicrmw fadd float addrspace(1)* %out, float %total monotonic
  br label %exit

exit:
  ret void
}

; c[i*ldc+j] = alpha · Σp a[i*sai+p*sap] · b[p*sbp+j*sbj] + beta · c[i*ldc+j], one thread per
; element of the m×n matrix C on a 2-D grid (x: columns j, y: rows i). The strides express
; row-major operands and their transposes. When beta is 0, C is not read (BLAS's rule, so NaN in
; C does not survive). A plain dot product per thread: the fallback when cuBLAS does not load.
define void @gemm_f32(float addrspace(1)* %a, float addrspace(1)* %b, float addrspace(1)* %c, i64 %m, i64 %n, i64 %k, i64 %sai, i64 %sap, i64 %sbp, i64 %sbj, i64 %ldc, float %alpha, float %beta) {
entry:
  %tx = call i32 @llvm.nvvm.read.ptx.sreg.tid.x()
  %ty = call i32 @llvm.nvvm.read.ptx.sreg.tid.y()
  %bx = call i32 @llvm.nvvm.read.ptx.sreg.ctaid.x()
  %by = call i32 @llvm.nvvm.read.ptx.sreg.ctaid.y()
  %ntx = call i32 @llvm.nvvm.read.ptx.sreg.ntid.x()
  %nty = call i32 @llvm.nvvm.read.ptx.sreg.ntid.y()
  %bxo = mul i32 %bx, %ntx
  %j32 = add i32 %bxo, %tx
  %byo = mul i32 %by, %nty
  %i32 = add i32 %byo, %ty
  %j = zext i32 %j32 to i64
  %i = zext i32 %i32 to i64
  %jin = icmp ult i64 %j, %n
  %iin = icmp ult i64 %i, %m
  %in = and i1 %jin, %iin
  br i1 %in, label %body, label %exit

body:
  %abase = mul i64 %i, %sai
  %bbase = mul i64 %j, %sbj
  %kpos = icmp ugt i64 %k, 0
  br i1 %kpos, label %loop, label %done

loop:
  %p = phi i64 [ 0, %body ], [ %pn, %loop ]
  %acc = phi float [ 0.0, %body ], [ %accn, %loop ]
  %aoff = mul i64 %p, %sap
  %ai = add i64 %abase, %aoff
  %pa = getelementptr float, float addrspace(1)* %a, i64 %ai
  %va = load float, float addrspace(1)* %pa, align 4
  %boff = mul i64 %p, %sbp
  %bi = add i64 %bbase, %boff
  %pb = getelementptr float, float addrspace(1)* %b, i64 %bi
  %vb = load float, float addrspace(1)* %pb, align 4
  %prod = fmul float %va, %vb
  %accn = fadd float %acc, %prod
  %pn = add i64 %p, 1
  %more = icmp ult i64 %pn, %k
  br i1 %more, label %loop, label %done

done:
  %sum = phi float [ 0.0, %body ], [ %accn, %loop ]
  %scaled = fmul float %alpha, %sum
  %crow = mul i64 %i, %ldc
  %ci = add i64 %crow, %j
  %pc = getelementptr float, float addrspace(1)* %c, i64 %ci
  %bzero = fcmp oeq float %beta, 0.0
  br i1 %bzero, label %overwrite, label %blend

blend:
  %old = load float, float addrspace(1)* %pc, align 4
  %kept = fmul float %beta, %old
  %r = fadd float %scaled, %kept
  store float %r, float addrspace(1)* %pc, align 4
  br label %exit

overwrite:
  store float %scaled, float addrspace(1)* %pc, align 4
  br label %exit

exit:
  ret void
}

; c[i*ldc+j] = alpha · Σp a[i*sai+p*sap] · b[p*sbp+j*sbj] + beta · c[i*ldc+j], one thread per
; element of the m×n matrix C on a 2-D grid (x: columns j, y: rows i). The strides express
; row-major operands and their transposes. When beta is 0, C is not read (BLAS's rule, so NaN in
; C does not survive). A plain dot product per thread: the fallback when cuBLAS does not load.
define void @gemm_f64(double addrspace(1)* %a, double addrspace(1)* %b, double addrspace(1)* %c, i64 %m, i64 %n, i64 %k, i64 %sai, i64 %sap, i64 %sbp, i64 %sbj, i64 %ldc, double %alpha, double %beta) {
entry:
  %tx = call i32 @llvm.nvvm.read.ptx.sreg.tid.x()
  %ty = call i32 @llvm.nvvm.read.ptx.sreg.tid.y()
  %bx = call i32 @llvm.nvvm.read.ptx.sreg.ctaid.x()
  %by = call i32 @llvm.nvvm.read.ptx.sreg.ctaid.y()
  %ntx = call i32 @llvm.nvvm.read.ptx.sreg.ntid.x()
  %nty = call i32 @llvm.nvvm.read.ptx.sreg.ntid.y()
  %bxo = mul i32 %bx, %ntx
  %j32 = add i32 %bxo, %tx
  %byo = mul i32 %by, %nty
  %i32 = add i32 %byo, %ty
  %j = zext i32 %j32 to i64
  %i = zext i32 %i32 to i64
  %jin = icmp ult i64 %j, %n
  %iin = icmp ult i64 %i, %m
  %in = and i1 %jin, %iin
  br i1 %in, label %body, label %exit

body:
  %abase = mul i64 %i, %sai
  %bbase = mul i64 %j, %sbj
  %kpos = icmp ugt i64 %k, 0
  br i1 %kpos, label %loop, label %done

loop:
  %p = phi i64 [ 0, %body ], [ %pn, %loop ]
  %acc = phi double [ 0.0, %body ], [ %accn, %loop ]
  %aoff = mul i64 %p, %sap
  %ai = add i64 %abase, %aoff
  %pa = getelementptr double, double addrspace(1)* %a, i64 %ai
  %va = load double, double addrspace(1)* %pa, align 8
  %boff = mul i64 %p, %sbp
  %bi = add i64 %bbase, %boff
  %pb = getelementptr double, double addrspace(1)* %b, i64 %bi
  %vb = load double, double addrspace(1)* %pb, align 8
  %prod = fmul double %va, %vb
  %accn = fadd double %acc, %prod
  %pn = add i64 %p, 1
  %more = icmp ult i64 %pn, %k
  br i1 %more, label %loop, label %done

done:
  %sum = phi double [ 0.0, %body ], [ %accn, %loop ]
  %scaled = fmul double %alpha, %sum
  %crow = mul i64 %i, %ldc
  %ci = add i64 %crow, %j
  %pc = getelementptr double, double addrspace(1)* %c, i64 %ci
  %bzero = fcmp oeq double %beta, 0.0
  br i1 %bzero, label %overwrite, label %blend

blend:
  %old = load double, double addrspace(1)* %pc, align 8
  %kept = fmul double %beta, %old
  %r = fadd double %scaled, %kept
  store double %r, double addrspace(1)* %pc, align 8
  br label %exit

overwrite:
  store double %scaled, double addrspace(1)* %pc, align 8
  br label %exit

exit:
  ret void
}

!nvvm.annotations = !{!0, !1, !2, !3, !4}
!0 = !{void (float addrspace(1)*, float addrspace(1)*, float addrspace(1)*, i64)* @add_f32, !"kernel", i32 1}
!1 = !{void (float addrspace(1)*, float addrspace(1)*, float addrspace(1)*, i64)* @mul_f32, !"kernel", i32 1}
!2 = !{void (float addrspace(1)*, float addrspace(1)*, i64)* @sum_f32, !"kernel", i32 1}
!3 = !{void (float addrspace(1)*, float addrspace(1)*, float addrspace(1)*, i64, i64, i64, i64, i64, i64, i64, i64, float, float)* @gemm_f32, !"kernel", i32 1}
!4 = !{void (double addrspace(1)*, double addrspace(1)*, double addrspace(1)*, i64, i64, i64, i64, i64, i64, i64, i64, double, double)* @gemm_f64, !"kernel", i32 1}
