// The PMIx client, reached through dlopen: the runtime links no PMIx library, so a binary
// that is never started by mpirun or srun has no dependency on it.
#define _GNU_SOURCE
#include "CBrazos.h"
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pmix.h>

static pmix_proc_t self;
static struct {
    pmix_status_t (*init)(pmix_proc_t *, pmix_info_t *, size_t);
    pmix_status_t (*finalize)(const pmix_info_t *, size_t);
    pmix_status_t (*put)(pmix_scope_t, const pmix_key_t, pmix_value_t *);
    pmix_status_t (*commit)(void);
    pmix_status_t (*fence)(const pmix_proc_t *, size_t, const pmix_info_t *, size_t);
    pmix_status_t (*get)(const pmix_proc_t *, const pmix_key_t, const pmix_info_t *, size_t, pmix_value_t **);
} api;

/// PMIx_Value_free is a macro in some releases, not a symbol: release the two kinds of
/// value read here by hand.
static void releaseValue(pmix_value_t *value) {
    if (value->type == PMIX_STRING) free(value->data.string);
    free(value);
}

static int loadLibrary(char *error, size_t errorLength) {
    const char *names[] = { "libpmix.so.2", "libpmix.so", "/usr/lib/x86_64-linux-gnu/pmix2/lib/libpmix.so.2" };
    void *lib = NULL;
    for (size_t i = 0; i < sizeof names / sizeof *names && lib == NULL; i++) lib = dlopen(names[i], RTLD_NOW | RTLD_GLOBAL);
    if (lib == NULL) { snprintf(error, errorLength, "cannot open libpmix: %s", dlerror()); return -1; }
    api.init = dlsym(lib, "PMIx_Init");
    api.finalize = dlsym(lib, "PMIx_Finalize");
    api.put = dlsym(lib, "PMIx_Put");
    api.commit = dlsym(lib, "PMIx_Commit");
    api.fence = dlsym(lib, "PMIx_Fence");
    api.get = dlsym(lib, "PMIx_Get");
    if (!api.init || !api.finalize || !api.put || !api.commit || !api.fence || !api.get) {
        snprintf(error, errorLength, "libpmix lacks a client function");
        return -2;
    }
    return 0;
}

int brazos_pmix_init(char *nspace, size_t nspaceLength, uint32_t *rank, uint32_t *size,
                     char *error, size_t errorLength) {
    int rc = loadLibrary(error, errorLength);
    if (rc != 0) return rc;
    pmix_status_t status = api.init(&self, NULL, 0);
    if (status != PMIX_SUCCESS) { snprintf(error, errorLength, "PMIx_Init failed: status %d", status); return -3; }
    snprintf(nspace, nspaceLength, "%s", self.nspace);
    *rank = self.rank;
    pmix_proc_t wildcard;
    memset(&wildcard, 0, sizeof wildcard);
    memcpy(wildcard.nspace, self.nspace, sizeof wildcard.nspace);
    wildcard.rank = PMIX_RANK_WILDCARD;
    pmix_value_t *value = NULL;
    status = api.get(&wildcard, PMIX_JOB_SIZE, NULL, 0, &value);
    if (status != PMIX_SUCCESS || value == NULL) {
        snprintf(error, errorLength, "PMIx_Get(job size) failed: status %d", status);
        return -4;
    }
    *size = value->type == PMIX_UINT32 ? value->data.uint32 : (uint32_t)value->data.integer;
    releaseValue(value);
    return 0;
}

int brazos_pmix_put(const char *key, const char *text) {
    pmix_value_t value;
    memset(&value, 0, sizeof value);
    value.type = PMIX_STRING;
    value.data.string = (char *)text;
    if (api.put(PMIX_GLOBAL, key, &value) != PMIX_SUCCESS) return -1;
    return api.commit() == PMIX_SUCCESS ? 0 : -2;
}

int brazos_pmix_fence(void) {
    pmix_info_t info;
    memset(&info, 0, sizeof info);
    snprintf(info.key, sizeof info.key, "%s", PMIX_COLLECT_DATA);
    info.value.type = PMIX_BOOL;
    info.value.data.flag = 1;
    pmix_proc_t all;
    memset(&all, 0, sizeof all);
    memcpy(all.nspace, self.nspace, sizeof all.nspace);
    all.rank = PMIX_RANK_WILDCARD;
    return api.fence(&all, 1, &info, 1) == PMIX_SUCCESS ? 0 : -1;
}

int brazos_pmix_get(uint32_t rank, const char *key, char *out, size_t outLength) {
    pmix_proc_t peer;
    memset(&peer, 0, sizeof peer);
    memcpy(peer.nspace, self.nspace, sizeof peer.nspace);
    peer.rank = rank;
    pmix_value_t *value = NULL;
    if (api.get(&peer, key, NULL, 0, &value) != PMIX_SUCCESS || value == NULL) return -1;
    int rc = 0;
    if (value->type == PMIX_STRING && value->data.string != NULL) snprintf(out, outLength, "%s", value->data.string);
    else rc = -2;
    releaseValue(value);
    return rc;
}

int brazos_pmix_finalize(void) {
    return api.finalize && api.finalize(NULL, 0) == PMIX_SUCCESS ? 0 : -1;
}
