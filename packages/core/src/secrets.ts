export interface Secrets {
  auditHmacKey: string;
  sessionSecret: string;
  s3AccessKeyId: string;
  s3SecretAccessKey: string;
}
