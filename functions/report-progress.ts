// placeholder: replaced by the real handler
export const handler = async (): Promise<{ statusCode: number }> => ({ statusCode: 501 });
