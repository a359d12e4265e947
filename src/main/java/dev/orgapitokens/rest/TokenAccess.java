package dev.orgapitokens.rest;

import dev.orgapitokens.service.Caller;

/** How a front door decides who may read and who may write; each door has its own (AdminAccess, RealmAccess). */
interface TokenAccess {

    /** The authenticated caller allowed to read, else a 401 or 403. */
    Caller reader();

    /** The authenticated caller allowed to write, else a 401 or 403. */
    Caller writer();

    /** Whether {@link #writer()} would succeed, without failing: lets a UI hide write controls. */
    boolean canWrite();
}
