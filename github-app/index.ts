// Public surface of the GitHub App layer (thin: verify, persist, acknowledge; then work from the queue).
export { mountWebhookReceiver, isHandled, HANDLED, type ReceiverOptions } from './webhook-receiver.js';
