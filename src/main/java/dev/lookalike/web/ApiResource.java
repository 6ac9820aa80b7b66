package dev.lookalike.web;

import dev.lookalike.catalog.ProductImage;
import dev.lookalike.catalog.Product;
import dev.lookalike.search.LiveSearch;
import dev.lookalike.search.ResultPage;
import dev.lookalike.search.SearchService;
import dev.lookalike.search.UnknownProductException;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.inject.Inject;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.multipart.FileUpload;

import java.net.URI;
import java.util.List;
import java.util.Optional;

/** The JSON API: search by text, by product, by photo; products and their lookalikes. */
@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "search")
@APIResponse(responseCode = "400", description = "A parameter is missing or wrong",
        content = @Content(schema = @Schema(implementation = ApiError.class)))
@APIResponse(responseCode = "503", description = "The model and vectors are still loading",
        content = @Content(schema = @Schema(implementation = ApiError.class)))
public class ApiResource {

    private final Serving serving;
    private final PhotoSearch photos;
    private final ServeConfig.Web web;

    @Inject
    ApiResource(Serving serving, PhotoSearch photos, ServeConfig config) {
        this.serving = serving;
        this.photos = photos;
        this.web = config.web();
    }

    @GET
    @Path("/search")
    @Operation(summary = "Products that look like a text, a product, or a product steered by a text",
            description = "q: what to look for; -word leaves out products whose text has the word and steers the look "
                    + "away from it (\"faucet -chrome\"); \"quoted words\" must appear in the product's text. "
                    + "like=ID starts from that product's look, and q then steers it (\"like=ID&q=gold\"). One of "
                    + "them is needed. A text ranks by the look of the photos and the words of the product text "
                    + "fused (mode=both, the default), or by one of them (mode=look, mode=words); a query that is a "
                    + "SKU or an exact product name puts that product first. An item several shops sell is one "
                    + "result, with every shop's offer. Results stop where the scores drop (floor=off shows the "
                    + "looser matches too).")
    @APIResponse(responseCode = "200", description = "Results, best first")
    @APIResponse(responseCode = "404", description = "like names no product",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    public Uni<ApiResults> search(@RestQuery @Parameter(description = "What to look for, e.g. gold purple -chrome") String q,
                             @RestQuery @Parameter(description = "Start from this product's look") String like,
                             @RestQuery @Parameter(description = "With like: only cheaper products") String cheaper,
                             @RestQuery @Parameter(description = "Results per page (default 20)") String limit,
                             @RestQuery @Parameter(description = "Results to skip") String offset,
                             @BeanParam FilterParams filters, @BeanParam RankParams rank, @Context UriInfo uri) {
        int n = limit(limit);
        int skip = offset(offset);
        String likeId = Params.productId("like", like);
        if (Params.text(q) == null && likeId == null) {
            throw WebProblem.badRequest("say what to look for: q=TEXT (e.g. q=gold+purple) or like=PRODUCT_ID");
        }
        SearchService.Query query = rank.apply(new SearchService.Query(Params.text(q), likeId,
                Params.flag("cheaper", cheaper), filters.toFilter()));
        return answer(serving.ready(), query, n, skip, next(uri, n, skip), looser(uri), null);
    }

    @GET
    @Path("/products/{id}")
    @Operation(summary = "One product with its photos and the other shops' offers of the same item")
    @APIResponse(responseCode = "200", description = "The product")
    @APIResponse(responseCode = "404", description = "No such product",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    public ApiProduct product(@RestPath String id) {
        return product(serving.ready(), id);
    }

    @GET
    @Path("/products/{id}/similar")
    @Operation(summary = "Products that look like this one (never itself)",
            description = "cheaper=true keeps only products cheaper than this one in the same currency and adds "
                    + "\"saving\" (an amount) and \"saving_percent\" to each; \"same_item\" says whether a result is "
                    + "this very item in another shop or only looks alike. Runs no model.")
    @APIResponse(responseCode = "200", description = "Lookalikes, best first, with the product asked about")
    @APIResponse(responseCode = "404", description = "No such product",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    public Uni<ApiResults> similar(@RestPath String id,
                              @RestQuery @Parameter(description = "Only cheaper products, with the saving") String cheaper,
                              @RestQuery @Parameter(description = "Results per page (default 20)") String limit,
                              @RestQuery @Parameter(description = "Results to skip") String offset,
                              @BeanParam FilterParams filters, @BeanParam RankParams rank, @Context UriInfo uri) {
        int n = limit(limit);
        int skip = offset(offset);
        LiveSearch live = serving.ready();
        String pid = Params.text(id) == null ? "" : id.strip().toLowerCase(java.util.Locale.ROOT);
        Product p = live.index().product(pid).orElseThrow(() -> new UnknownProductException(id));
        // from the index alone (its first embedded photo): this hot path touches no database
        ApiProduct product = ApiProduct.of(p, live.index().imageOf(p.id()).stream().toList(), offers(live, p.id()));
        SearchService.Query query = rank.apply(new SearchService.Query(null, p.id(), Params.flag("cheaper", cheaper),
                filters.toFilter()));
        return answer(live, query, n, skip, next(uri, n, skip), looser(uri), product);
    }

    /**
     * The page, computed on this I/O thread when that is cheap (a cached page, or lookalikes from the
     * precomputed lists: microseconds), else on a worker thread (a scan, the text tower). Under many
     * concurrent "more like this" clicks this keeps them off the worker pool and its thread switches.
     */
    private static Uni<ApiResults> answer(LiveSearch live, SearchService.Query query, int n, int skip, String next,
                                          String looser, ApiProduct product) {
        Optional<ResultPage> cheap = live.service().searchIfCheap(query, n, skip);
        if (cheap.isPresent()) {
            return Uni.createFrom().item(ApiResults.of(cheap.get(), n, skip, next, looser, product));
        }
        return Uni.createFrom().item(() -> ApiResults.of(live.service().search(query, n, skip), n, skip, next, looser,
                        product))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    @POST
    @Path("/search/image")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Operation(summary = "Products that look like an uploaded photo (multipart field \"image\")")
    @APIResponse(responseCode = "200", description = "Results, best first")
    @APIResponse(responseCode = "413", description = "The photo is too large",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "415", description = "Not a photo",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    public ApiResults searchUpload(@RestForm("image") @Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.STRING,
                                           format = "binary") FileUpload image,
                                   @RestQuery @Parameter(description = "Results per page (default 20)") String limit,
                                   @RestQuery @Parameter(description = "Results to skip") String offset,
                                   @BeanParam FilterParams filters, @BeanParam RankParams rank, @Context UriInfo uri) {
        int n = limit(limit);
        int skip = offset(offset);
        float[] v = photos.upload(image).vector();
        SearchService.Query query = rank.apply(SearchService.Query.ofVector(v, filters.toFilter()));
        return ApiResults.of(serving.ready().service().search(query, n, skip), n, skip, null, null, null);
    }

    @GET
    @Path("/search/image")
    @Operation(summary = "Products that look like the photo at a URL",
            description = "The photo is fetched with a deadline and a size cap; URLs of private, loopback and "
                    + "link-local addresses are refused.")
    @APIResponse(responseCode = "200", description = "Results, best first")
    @APIResponse(responseCode = "413", description = "The photo is too large",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "415", description = "Not a photo",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "502", description = "The photo could not be fetched",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    public ApiResults searchUrl(@RestQuery @Parameter(description = "http(s) URL of a photo", required = true) String url,
                                @RestQuery @Parameter(description = "Results per page (default 20)") String limit,
                                @RestQuery @Parameter(description = "Results to skip") String offset,
                                @BeanParam FilterParams filters, @BeanParam RankParams rank, @Context UriInfo uri) {
        int n = limit(limit);
        int skip = offset(offset);
        if (Params.text(url) == null) {
            throw WebProblem.badRequest("say which photo: url=http(s) URL of a photo");
        }
        float[] v = photos.url(url.strip());
        SearchService.Query query = rank.apply(SearchService.Query.ofVector(v, filters.toFilter()));
        return ApiResults.of(serving.ready().service().search(query, n, skip), n, skip, next(uri, n, skip),
                looser(uri), null);
    }

    private ApiProduct product(LiveSearch live, String id) {
        String pid = Params.text(id) == null ? "" : id.strip().toLowerCase(java.util.Locale.ROOT);
        Product p = live.index().product(pid).orElseThrow(() -> new UnknownProductException(id));
        List<String> images = live.catalogue().productImages(p.id()).stream().map(ProductImage::imageId)
                .filter(i -> i != null).distinct().toList();
        return ApiProduct.of(p, images, offers(live, p.id()));
    }

    private int limit(String limit) {
        return Params.count("limit", limit, Math.min(20, web.maxPageSize()), 1, web.maxPageSize());
    }

    private static int offset(String offset) {
        return Params.count("offset", offset, 0, 0, 100_000);
    }

    private static List<ApiResult.ApiOffer> offers(LiveSearch live, String productId) {
        return live.service().otherOffers(productId).stream().map(ApiResult.ApiOffer::of).toList();
    }

    /** This request's URL without the relevance cut, from its first page, relative to the host. */
    private static String looser(UriInfo uri) {
        URI u = uri.getRequestUriBuilder().replaceQueryParam("offset").replaceQueryParam("floor", "off").build();
        return u.getRawPath() + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
    }

    /** This request's URL with the offset of the next page, relative to the host. */
    private static String next(UriInfo uri, int limit, int offset) {
        URI u = uri.getRequestUriBuilder().replaceQueryParam("offset", offset + limit).build();
        return u.getRawPath() + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
    }
}
