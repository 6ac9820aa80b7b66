package dev.lookalike.web;

import dev.lookalike.catalog.Product;
import dev.lookalike.catalog.ProductImage;
import dev.lookalike.search.Facets;
import dev.lookalike.search.LiveSearch;
import dev.lookalike.search.Match;
import dev.lookalike.search.ResultPage;
import dev.lookalike.search.SearchException;
import dev.lookalike.search.SearchFilter;
import dev.lookalike.search.SearchService;
import dev.lookalike.search.UnknownProductException;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateData;
import io.quarkus.qute.TemplateInstance;
import jakarta.inject.Inject;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.multipart.FileUpload;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The shopper's gallery: server-rendered pages that work without JavaScript. Every state of the home
 * page is a shareable URL ({@code /?q=gold+purple&max_price=200}, {@code /?like=ID&cheaper=true}).
 */
@Path("/")
@Produces(MediaType.TEXT_HTML)
public class GalleryResource {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance index(SearchView view, StylePages.Strip styles);

        static native TemplateInstance product(ProductView view, StylePages.Line style);

        static native TemplateInstance error(int status, String message);
    }

    /**
     * One item in a grid. Text fields are shown escaped; {@code saving} is empty unless cheaper;
     * {@code matches} lists the query's words the product's text holds ("hoodie, Luma"); {@code offers} are
     * every shop's offer of the item when more than one shop sells it, and {@code fromPrice} the lowest of them;
     * {@code sameItem} marks a lookalike that is this very item in another shop.
     */
    @TemplateData
    public record Card(String id, String name, String price, String shop, String brand, String thumb, String productUrl,
                       String likeUrl, String cheaperUrl, String saving, String score, String matches,
                       List<CardOffer> offers, String fromPrice, boolean sameItem) {}

    /** Another shop's offer of a card's item. */
    @TemplateData
    public record CardOffer(String shop, String price, String url) {}

    /** A choice in a menu, with how many results choosing it gives (-1: not counted). */
    @TemplateData
    public record Option(String value, String label, boolean selected, int count) {}

    /** What the home page shows: the form's state, the results and the links around them. */
    @TemplateData
    public record SearchView(String q, String like, boolean cheaper, String photo, String imageUrl, String minPrice,
                             String maxPrice, String maxPriceLabel, long priceCeiling, List<Option> shops,
                             List<Option> brands, List<Option> sorts, List<Option> modes, boolean all, String heading,
                             Card likeCard, String message, List<Card> cards, int first, int last, int total,
                             String prevUrl, String nextUrl, String clearLikeUrl, String cheaperToggleUrl,
                             String looserUrl, String closerUrl, boolean filtered) {}

    /** One photo on a product page. */
    @TemplateData
    public record Photo(String thumb, String full) {}

    /** The product page: the product, its photos and its lookalikes. */
    @TemplateData
    public record ProductView(Card card, String description, String category, String shopUrl, Photo mainPhoto,
                              List<Photo> photos, List<CardOffer> offers,
                              List<Card> similar, String similarMessage, List<Card> cheaper, String cheaperMessage,
                              String allSimilarUrl, String allCheaperUrl) {}

    private final Serving serving;
    private final PhotoSearch photos;
    private final ServeConfig.Web web;
    private final Styles styles;

    @Inject
    GalleryResource(Serving serving, PhotoSearch photos, ServeConfig config, Styles styles) {
        this.serving = serving;
        this.photos = photos;
        this.web = config.web();
        this.styles = styles;
    }

    @GET
    public Response home(@RestQuery String q, @RestQuery String like, @RestQuery String cheaper,
                         @RestQuery String photo, @RestQuery("image_url") String imageUrl,
                         @RestQuery String offset, @BeanParam FilterParams filters, @BeanParam RankParams rank,
                         @RestQuery String cluster, @RestQuery String near) {
        LiveSearch live = serving.ready();
        SearchService service = live.service();
        Facets facets = service.facets();
        long ceiling = Money.ceiling(facets.maxPrice());
        // the slider always sends a value: at its top it means "any price"
        Double max = Params.price("max_price", filters.maxPrice);
        if (max != null && max >= ceiling) {
            filters.maxPrice = null;
        }
        String text = Params.text(q);
        String likeId = Params.productId("like", like);
        String photoKey = Params.text(photo);
        String url = Params.text(imageUrl);
        boolean cheaperOnly = Params.flag("cheaper", cheaper) && likeId != null;
        int skip = Params.count("offset", offset, 0, 0, 100_000);
        int n = web.pageSize();

        Links.Query state = new Links.Query("/").with("q", text).with("like", likeId)
                .with("cheaper", cheaperOnly ? "true" : null).with("photo", photoKey).with("image_url", url)
                .with("min_price", Params.text(filters.minPrice)).with("max_price", Params.text(filters.maxPrice))
                .with("shop", Params.text(filters.shop)).with("brand", Params.text(filters.brand))
                .with("category", Params.text(filters.category)).with("mode", Params.text(rank.mode))
                .with("sort", Params.text(rank.sort)).with("floor", Params.text(rank.floor))
                .with("diverse", Params.text(rank.diverse))
                .with("cluster", Params.text(cluster)).with("near", Params.text(near)); // browse by style
        Links.Query filterState = new Links.Query("/")
                .with("min_price", Params.text(filters.minPrice)).with("max_price", Params.text(filters.maxPrice))
                .with("shop", Params.text(filters.shop)).with("brand", Params.text(filters.brand))
                .with("category", Params.text(filters.category));

        Card likeCard = null;
        String heading;
        String message = null;
        int status = 200;
        ResultPage page = new ResultPage(List.of(), false);
        SearchService.Query ranking = new SearchService.Query(null, null, false, SearchFilter.NONE);
        try {
            SearchFilter filter = filters.toFilter();
            ranking = rank.apply(ranking);
            if (likeId != null) {
                Product p = live.index().product(likeId).orElseThrow(() -> new UnknownProductException(likeId));
                likeCard = card(new Match(p, live.index().imageOf(p.id()).orElse(null), 0f, null), filterState);
            }
            if (photoKey != null || url != null) {
                heading = "Looks like your photo";
                float[] v = photoKey != null ? photos.remembered(photoKey) : photos.url(url);
                if (v == null) {
                    status = 404;
                    message = "This photo search has expired. Upload the photo again.";
                } else {
                    page = service.byVector(v, filter, ranking.sort(), ranking.all(), ranking.diverse(), n, skip);
                }
            } else if (text != null || likeId != null) {
                heading = likeCard == null ? "Results for “" + text + "”"
                        : cheaperOnly ? (text == null ? "Cheaper lookalikes of " + likeCard.name()
                        : "Cheaper, like " + likeCard.name() + " but “" + text + "”")
                        : text == null ? "Looks like " + likeCard.name()
                        : "Like " + likeCard.name() + ", but “" + text + "”";
                page = service.search(new SearchService.Query(text, likeId, cheaperOnly, filter)
                        .with(ranking.mode(), ranking.sort(), ranking.all(), ranking.diverse()), n, skip);
            } else if (Params.text(cluster) != null || Params.text(near) != null) {
                // browse by style: one style's products, or a place on the map (StylePages)
                StylePages.Browse b = StylePages.browse(live, styles.of(live), Params.text(cluster), Params.text(near),
                        filter, n, skip).orElseThrow();
                heading = b.heading();
                page = b.page();
            } else {
                heading = "All products";
                page = service.browse(filter, ranking.sort(), n, skip);
            }
            if (page.results().isEmpty() && message == null) {
                message = skip > 0 ? "No more results." : cheaperOnly ? "Nothing cheaper looks like this."
                        : "Nothing matches. Try other words or fewer filters.";
            }
        } catch (WebProblem e) {
            heading = "Search";
            status = e.status();
            message = e.getMessage();
        } catch (UnknownProductException e) {
            heading = "Search";
            status = 404;
            message = "That product is not in the catalogue (any more).";
        } catch (SearchException | IllegalArgumentException e) {
            heading = "Search";
            status = 400;
            message = capitalised(e.getMessage()) + ".";
        }

        List<Card> cards = page.results().stream().map(m -> card(m, filterState)).toList();
        boolean searching = text != null || likeId != null || photoKey != null || url != null;
        String looser = searching && page.looser() ? state.copy().with("floor", "off").with("offset", null).toString()
                : null;
        String closer = searching && ranking.all() ? state.copy().with("floor", null).with("offset", null).toString()
                : null;
        String prev = skip > 0 ? state.copy().with("offset", skip - n > 0 ? skip - n : null).toString() : null;
        String next = page.more() ? state.copy().with("offset", skip + n).toString() : null;
        String clearLike = likeId == null ? null : state.copy().with("like", null).with("cheaper", null)
                .with("offset", null).toString();
        String toggle = likeId == null ? null : state.copy().with("cheaper", cheaperOnly ? null : "true")
                .with("offset", null).toString();
        boolean filtered = Params.text(filters.minPrice) != null || Params.text(filters.maxPrice) != null
                || Params.text(filters.shop) != null || Params.text(filters.brand) != null;
        String maxPrice = Params.text(filters.maxPrice);
        SearchView view = new SearchView(text == null ? "" : text, likeId, cheaperOnly, photoKey, url,
                Params.text(filters.minPrice), maxPrice == null ? String.valueOf(ceiling) : maxPrice,
                maxPrice == null ? "any" : maxPrice, ceiling,
                options(facets.shops(), filters.shop, page.counts().shops()),
                options(facets.brands(), filters.brand, page.counts().brands()),
                choices(List.of("relevance", "price", "-price"), List.of("Best match", "Price: low to high",
                        "Price: high to low"), ranking.sort().label()),
                choices(List.of("both", "look", "words"), List.of("Look and words", "Look only", "Words only"),
                        ranking.mode().label()),
                ranking.all(), heading, likeCard, message, cards, skip + 1, skip + cards.size(), page.total(), prev,
                next, clearLike, toggle, looser, closer, filtered);
        // the "Browse by style" strip: on the plain home page only
        boolean plain = !searching && Params.text(cluster) == null && Params.text(near) == null && skip == 0;
        StylePages.Strip strip = plain && status == 200 ? StylePages.strip(live, styles.of(live)) : null;
        return Response.status(status).entity(Templates.index(view, strip)).build();
    }

    @GET
    @Path("/products/{id}")
    public TemplateInstance product(@RestPath String id) {
        LiveSearch live = serving.ready();
        String pid = id.toLowerCase(Locale.ROOT);
        Product p = live.index().product(pid).orElseThrow(() -> new UnknownProductException(id));
        Links.Query none = new Links.Query("/");
        List<Photo> photoList = live.catalogue().productImages(p.id()).stream().map(ProductImage::imageId)
                .filter(i -> i != null).distinct().map(i -> new Photo(Links.thumbnail(i), Links.image(i))).toList();
        Card card = card(new Match(p, live.index().imageOf(p.id()).orElse(null), 0f, null), none);
        List<Card> similar = List.of();
        List<Card> cheaper = List.of();
        String similarMessage = null;
        String cheaperMessage = null;
        try {
            similar = live.service().similarPage(p.id(), false, SearchFilter.NONE, 8, 0).results().stream()
                    .map(m -> card(m, none)).toList();
            if (similar.isEmpty()) {
                similarMessage = "Nothing else in the catalogue looks like this.";
            }
        } catch (SearchException e) {
            similarMessage = capitalised(e.getMessage()) + ".";
        }
        try {
            cheaper = live.service().similarPage(p.id(), true, SearchFilter.NONE, 8, 0).results().stream()
                    .map(m -> card(m, none)).toList();
            if (cheaper.isEmpty()) {
                cheaperMessage = "Nothing cheaper looks like this.";
            }
        } catch (SearchException e) {
            cheaperMessage = capitalised(e.getMessage()) + ".";
        }
        List<CardOffer> offers = live.service().otherOffers(p.id()).stream()
                .map(o -> new CardOffer(o.shop() == null ? "another shop" : o.shop(), Money.format(o.price(), o.currency()),
                        Links.product(o.productId()))).toList();
        return Templates.product(new ProductView(card, p.description(), p.category(), shopUrl(p.url()),
                photoList.isEmpty() ? null : photoList.get(0), photoList, offers,
                similar, similarMessage, cheaper, cheaperMessage, card.likeUrl(), card.cheaperUrl()),
                StylePages.line(styles.of(live), p.id()));
    }

    @POST
    @Path("/search/photo")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    public Response searchPhoto(@RestForm("image") FileUpload image, @RestForm String url) {
        if (image != null && image.uploadedFile() != null && image.size() > 0) {
            String key = photos.upload(image).key();
            return Response.seeOther(URI.create(new Links.Query("/").with("photo", key).toString())).build();
        }
        if (Params.text(url) != null) {
            PhotoFetcher.parse(url.strip()); // a bad URL is refused here, before the redirect
            return Response.seeOther(URI.create(new Links.Query("/").with("image_url", url.strip()).toString())).build();
        }
        throw WebProblem.badRequest("Choose a photo to upload, or paste the web address of one.");
    }

    private static Card card(Match m, Links.Query filters) {
        Product p = m.product();
        String thumb = m.imageId() == null ? "" : Links.thumbnail(m.imageId());
        String saving = m.saving() == null ? "" : Money.format(m.saving(), p.currency())
                + (m.savingPercent() == null ? "" : String.format(Locale.ROOT, " (%.0f%%)", m.savingPercent()));
        String matches = m.words() == null ? "" : String.join(", ", m.words().words());
        // every shop's offer, this one's included, when more than one shop sells the item
        List<CardOffer> others = m.offers().size() < 2 ? List.of() : m.offers().stream()
                .map(o -> new CardOffer(o.shop() == null ? "another shop" : o.shop(),
                        Money.format(o.price(), o.currency()), Links.product(o.productId()))).toList();
        String from = others.isEmpty() || m.fromPrice() == null ? "" : Money.format(m.fromPrice(), p.currency());
        return new Card(p.id(), p.name(), Money.format(p.price(), p.currency()), p.shop() == null ? "" : p.shop(),
                p.brand() == null ? "" : p.brand(), thumb, Links.product(p.id()),
                filters.copy().with("like", p.id()).toString(),
                filters.copy().with("like", p.id()).with("cheaper", "true").toString(), saving,
                String.format(Locale.ROOT, "%.3f", m.score()), matches, others, from,
                Boolean.TRUE.equals(m.sameItem()));
    }

    /** Menu entries for the values, each with its result count. */
    private static List<Option> options(List<String> values, String selected, java.util.Map<String, Integer> counts) {
        List<Option> out = new ArrayList<>();
        for (String v : values) {
            int c = counts.getOrDefault(v, 0);
            out.add(new Option(v, v + " (" + c + ")",
                    v.equalsIgnoreCase(Params.text(selected) == null ? "" : selected.strip()), c));
        }
        return out;
    }

    private static List<Option> choices(List<String> values, List<String> labels, String selected) {
        List<Option> out = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            out.add(new Option(values.get(i), labels.get(i), values.get(i).equals(selected), -1));
        }
        return out;
    }

    /** The shop's page, only when it is an http(s) URL: a {@code javascript:} link must never render. */
    static String shopUrl(String url) {
        if (url == null) {
            return null;
        }
        String lower = url.strip().toLowerCase(Locale.ROOT);
        return lower.startsWith("https://") || lower.startsWith("http://") ? url.strip() : null;
    }

    private static String capitalised(String s) {
        return s == null || s.isEmpty() ? "" : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
