/**
 * How often the catalog's ZTP module reports a declaration it still refuses
 * to the ZTP backend; the backend forgets reports three times older (the
 * declaration was fixed or removed meanwhile).
 * @public
 */
export const DECLARATION_REPORT_REFRESH_MS = 10 * 60 * 1000;
