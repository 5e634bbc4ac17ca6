; Elementwise and reduction kernels for gotensor's gpu package, in LLVM IR for the NVPTX
; backend. kernels.ptx is generated from this file (see gpu/kernels.go's go:generate line):
;   llc -O3 -march=nvptx64 -mcpu=sm_50 kernels.ll -o kernels.ptx
; sm_50 PTX is JIT-compiled by the driver for whatever newer GPU runs it.
;
; Every kernel takes its element count as i64 and walks it with a grid-stride loop, so any
; launch shape covers any n. Pointers may alias (out == a is an in-place op).

target datalayout = "e-i64:64-i128:128-v16:16-v32:32-n16:32:64"
target triple = "nvptx64-nvidia-cuda"

declare i32 @llvm.nvvm.read.ptx.sreg.tid.x()
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

!nvvm.annotations = !{!0, !1, !2}
!0 = !{void (float addrspace(1)*, float addrspace(1)*, float addrspace(1)*, i64)* @add_f32, !"kernel", i32 1}
!1 = !{void (float addrspace(1)*, float addrspace(1)*, float addrspace(1)*, i64)* @mul_f32, !"kernel", i32 1}
!2 = !{void (float addrspace(1)*, float addrspace(1)*, i64)* @sum_f32, !"kernel", i32 1}
