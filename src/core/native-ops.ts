import type { Tensor } from '@tensorflow/tfjs';

import { tf } from './backend';

/** One attribute of a TensorFlow op, as the tfjs-node binding takes it. */
export interface OpAttr {
  name: string;
  type: number;
  value: number | boolean | string | number[];
}

/** The binding constants syngan passes to TensorFlow ops. */
interface NativeBinding {
  TF_ATTR_TYPE: number;
  TF_ATTR_FLOAT: number;
  TF_ATTR_BOOL: number;
  TF_ATTR_STRING: number;
  TF_ATTR_SHAPE: number;
  TF_FLOAT: number;
  TF_INT32: number;
}

/**
 * The part of tfjs-node's backend that runs any TensorFlow op by name. It is not public API of
 * @tensorflow/tfjs-node 4.22, so `nativeBackend` checks that each member exists before use.
 */
export interface NativeBackend {
  binding: NativeBinding;
  executeSingleOutput(name: string, attrs: OpAttr[], inputs: Tensor[]): Tensor;
  executeMultipleOutputs(name: string, attrs: OpAttr[], inputs: Tensor[], numOutputs: number): Tensor[];
}

/** Returns the active backend when it is tfjs-node's TensorFlow backend, otherwise undefined. */
export function nativeBackend(): NativeBackend | undefined {
  if (tf.getBackend() !== 'tensorflow') return undefined;
  const backend = tf.backend() as unknown as Partial<NativeBackend>;
  if (!backend.binding || !backend.executeSingleOutput || !backend.executeMultipleOutputs) return undefined;
  return backend as NativeBackend;
}

/** Returns the native backend or throws, naming the operation that needs it. */
export function requireNativeBackend(operation: string): NativeBackend {
  const backend = nativeBackend();
  if (!backend) throw new Error(`${operation} needs the native TensorFlow backend (tfjs-node), but the backend is ${tf.getBackend()}`);
  return backend;
}

/** Builders of op attributes for one backend's binding constants. */
export function opAttrs(backend: NativeBackend): {
  float32Type(name: string): OpAttr;
  int32Type(name: string): OpAttr;
  float(name: string, value: number): OpAttr;
  bool(name: string, value: boolean): OpAttr;
  string(name: string, value: string): OpAttr;
  shape(name: string, value: number[]): OpAttr;
} {
  const b = backend.binding;
  return {
    float32Type: (name) => ({ name, type: b.TF_ATTR_TYPE, value: b.TF_FLOAT }),
    int32Type: (name) => ({ name, type: b.TF_ATTR_TYPE, value: b.TF_INT32 }),
    float: (name, value) => ({ name, type: b.TF_ATTR_FLOAT, value }),
    bool: (name, value) => ({ name, type: b.TF_ATTR_BOOL, value }),
    string: (name, value) => ({ name, type: b.TF_ATTR_STRING, value }),
    shape: (name, value) => ({ name, type: b.TF_ATTR_SHAPE, value }),
  };
}

let resourceCount = 0;

/**
 * A float32 TensorFlow resource variable (VarHandleOp) owned by this process. TensorFlow's
 * training kernels such as ResourceApplyAdam update a resource variable in place in one pass,
 * where tfjs would run a dozen element-wise ops that each allocate a new tensor. `read` returns
 * a tensor that shares the variable's buffer; TensorFlow copies the buffer before the next
 * in-place update while such a tensor is alive, so a read value never changes afterwards.
 */
export class ResourceVariable {
  readonly handle: Tensor;
  private readonly backend: NativeBackend;
  /** The `dtype` attribute of reads and assignments, built once because reads run every step. */
  private readonly dtypeAttrs: OpAttr[];

  constructor(initialValue: Tensor) {
    this.backend = requireNativeBackend('ResourceVariable');
    const attrs = opAttrs(this.backend);
    this.dtypeAttrs = [attrs.float32Type('dtype')];
    resourceCount += 1;
    // Eager TensorFlow shares variables with the same shared_name, so each one gets its own.
    const sharedName = `syngan-${process.pid}-${resourceCount}`;
    this.handle = tf.keep(this.backend.executeSingleOutput('VarHandleOp', [
      attrs.string('container', ''),
      attrs.string('shared_name', sharedName),
      attrs.float32Type('dtype'),
      attrs.shape('shape', initialValue.shape),
    ], []));
    this.assign(initialValue);
  }

  /** Copies `value` (float32, the variable's shape) into the variable. */
  assign(value: Tensor): void {
    this.backend.executeMultipleOutputs('AssignVariableOp', this.dtypeAttrs, [this.handle, value], 0);
  }

  /** Returns the current value as a new tensor. */
  read(): Tensor {
    return this.backend.executeSingleOutput('ReadVariableOp', this.dtypeAttrs, [this.handle]);
  }

  dispose(): void {
    this.backend.executeMultipleOutputs('DestroyResourceOp', [opAttrs(this.backend).bool('ignore_lookup_error', true)], [this.handle], 0);
    this.handle.dispose();
  }
}
