/** Clock skew allowed on exp, nbf and iat: AWS allows five minutes of skew on signed requests, and the same here. */
export const TOKEN_CLOCK_SKEW_SECONDS = 300;
