import type { CreatedVirtualMfaDevice, MfaDevice } from '@warden/iam';
import { builder } from '../builder.js';
import { MFA_MUTATION_ERRORS } from './errors.js';
import { mutationErrors, queryErrors } from './result-names.js';
import { TagInput, TagRef } from './tag.js';

/**
 * Virtual MFA devices (RFC 6238 TOTP), as AWS IAM's CreateVirtualMFADevice, EnableMFADevice,
 * DeactivateMFADevice, ResyncMFADevice, DeleteVirtualMFADevice and List(Virtual)MFADevices. The seed
 * is returned once, by createVirtualMFADevice, and never again.
 */
const MfaDeviceRef = builder.objectRef<MfaDevice>('MFADevice').implement({
  fields: (t) => ({
    serialNumber: t.exposeString('serialNumber', { description: 'The device ARN (arn:aws:iam::ACCOUNT:mfa/PATH/NAME).' }),
    deviceName: t.exposeString('deviceName'),
    path: t.exposeString('path'),
    userName: t.string({ nullable: true, description: '`root` for the root user; null while unassigned.', resolve: (device) => device.userName }),
    enableDate: t.field({ type: 'DateTime', nullable: true, resolve: (device) => device.enabledAt }),
    createDate: t.field({ type: 'DateTime', resolve: (device) => device.createdAt }),
    tags: t.field({ type: [TagRef], resolve: (device) => [...device.tags] }),
  }),
});

const CreatedVirtualMfaDeviceRef = builder.objectRef<CreatedVirtualMfaDevice>('VirtualMFADeviceSeed').implement({
  description: 'Shown once: put the seed (or the otpauth URI, as a QR code) into an authenticator app.',
  fields: (t) => ({
    serialNumber: t.exposeString('serialNumber'),
    base32StringSeed: t.exposeString('base32StringSeed'),
    otpauthUri: t.exposeString('otpauthUri'),
    qrCodePNG: t.string({ description: "The otpauth URI as a QR code: a PNG image in base64 (AWS's QRCodePNG).", resolve: (device) => device.qrCodePng.toString('base64') }),
  }),
});

builder.mutationField('createVirtualMFADevice', (t) =>
  t.field({
    type: CreatedVirtualMfaDeviceRef,
    errors: mutationErrors('createVirtualMFADevice'),
    args: {
      input: t.arg({
        type: builder.inputType('CreateVirtualMFADeviceInput', {
          fields: (f) => ({ virtualMFADeviceName: f.string({ required: true }), path: f.string({ required: false }), tags: f.field({ type: [TagInput], required: false }) }),
        }),
        required: true,
      }),
    },
    resolve: (_r, { input }, { iam, caller }) => iam.mfa.createVirtualMFADevice(caller, input),
  }),
);

const CodesInput = (name: string) =>
  builder.inputType(name, {
    fields: (f) => ({
      userName: f.string({ required: false, description: 'The IAM user; left out: the caller itself (an IAM user or the root user).' }),
      serialNumber: f.string({ required: true }),
      authenticationCode1: f.string({ required: true }),
      authenticationCode2: f.string({ required: true, description: 'The code that follows authenticationCode1.' }),
    }),
  });

builder.mutationField('enableMFADevice', (t) =>
  t.boolean({
    errors: mutationErrors('enableMFADevice', MFA_MUTATION_ERRORS),
    args: { input: t.arg({ type: CodesInput('EnableMFADeviceInput'), required: true }) },
    resolve: async (_r, { input }, { iam, caller }) => (await iam.mfa.enableMFADevice(caller, input), true),
  }),
);

builder.mutationField('resyncMFADevice', (t) =>
  t.boolean({
    errors: mutationErrors('resyncMFADevice', MFA_MUTATION_ERRORS),
    description: "Learns how far the device's clock is off, from two consecutive codes (searched up to an hour either way).",
    args: { input: t.arg({ type: CodesInput('ResyncMFADeviceInput'), required: true }) },
    resolve: async (_r, { input }, { iam, caller }) => (await iam.mfa.resyncMFADevice(caller, input), true),
  }),
);

builder.mutationField('deactivateMFADevice', (t) =>
  t.boolean({
    errors: mutationErrors('deactivateMFADevice'),
    args: {
      input: t.arg({
        type: builder.inputType('DeactivateMFADeviceInput', { fields: (f) => ({ userName: f.string({ required: false }), serialNumber: f.string({ required: true }) }) }),
        required: true,
      }),
    },
    resolve: async (_r, { input }, { iam, caller }) => (await iam.mfa.deactivateMFADevice(caller, input), true),
  }),
);

builder.mutationField('deleteVirtualMFADevice', (t) =>
  t.boolean({
    errors: mutationErrors('deleteVirtualMFADevice'),
    args: { input: t.arg({ type: builder.inputType('DeleteVirtualMFADeviceInput', { fields: (f) => ({ serialNumber: f.string({ required: true }) }) }), required: true }) },
    resolve: async (_r, { input }, { iam, caller }) => (await iam.mfa.deleteVirtualMFADevice(caller, input.serialNumber), true),
  }),
);

const AssignmentStatus = builder.enumType('MFAAssignmentStatus', { values: ['Assigned', 'Unassigned', 'Any'] as const });

builder.queryField('mfaDevices', (t) =>
  t.field({
    type: [MfaDeviceRef],
    errors: queryErrors('mfaDevices'),
    description: 'The devices of userName, or of the caller itself (iam:ListMFADevices); with assignmentStatus instead, every virtual device of the account (iam:ListVirtualMFADevices).',
    args: { userName: t.arg.string({ required: false }), assignmentStatus: t.arg({ type: AssignmentStatus, required: false }) },
    resolve: (_r, args, { iam, caller }) => iam.mfa.list(caller, args),
  }),
);
