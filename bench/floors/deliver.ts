// The floor of deliver (bench/bundles.ts): the engine functions' floor, and the clients only deliver
// constructs: Secrets Manager (the unsubscribe keys) and the three channels' (SES, End User Messaging SMS,
// Pinpoint for push).
import { PinpointClient } from '@aws-sdk/client-pinpoint';
import { PinpointSMSVoiceV2Client } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client } from '@aws-sdk/client-sesv2';

export * from './engine.ts';
export const secrets = new SecretsManagerClient({});
export const email = new SESv2Client({});
export const sms = new PinpointSMSVoiceV2Client({});
export const push = new PinpointClient({});
